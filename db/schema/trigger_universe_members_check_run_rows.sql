-- Deploy prometheus:schema/trigger_universe_members_check_run_rows to pg
-- runtime.universe_members checks its rows' references once per statement, set-based, in place of per-row foreign keys.
begin;

create trigger universe_members_check_run_rows after insert on runtime.universe_members
  referencing new table as new_rows for each statement execute function core.check_run_rows();
comment on trigger universe_members_check_run_rows on runtime.universe_members is 'Checks its run_id once per statement, set-based (core.check_run_rows), in place of per-row foreign keys: the engines insert a run''s rows for every decision date in one statement.';

commit;
