-- Revert prometheus:schema/trigger_target_portfolios_check_run_rows from pg
begin;

drop trigger target_portfolios_check_run_rows on runtime.target_portfolios;

commit;
