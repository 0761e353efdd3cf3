-- Verify prometheus:schema/trigger_target_portfolios_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'target_portfolios_check_run_rows' and tgrelid = 'runtime.target_portfolios'::regclass;
