-- Verify prometheus:schema/trigger_fills_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'fills_check_run_rows' and tgrelid = 'runtime.fills'::regclass;
