-- Revert prometheus:schema/trigger_universe_members_check_run_rows from pg
begin;

drop trigger universe_members_check_run_rows on runtime.universe_members;

commit;
