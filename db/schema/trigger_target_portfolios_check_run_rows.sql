-- Deploy prometheus:schema/trigger_target_portfolios_check_run_rows to pg
-- runtime.target_portfolios checks its rows' references once per statement, set-based, in place of per-row foreign keys.
begin;

create trigger target_portfolios_check_run_rows after insert on runtime.target_portfolios
  referencing new table as new_rows for each statement execute function core.check_run_rows();
comment on trigger target_portfolios_check_run_rows on runtime.target_portfolios is 'Checks its run_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

commit;
