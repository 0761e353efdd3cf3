-- Deploy prometheus:schema/trigger_positions_snapshots_check_run_rows to pg
-- runtime.positions_snapshots checks its rows' references once per statement, set-based, in place of per-row foreign keys.
begin;

create trigger positions_snapshots_check_run_rows after insert on runtime.positions_snapshots
  referencing new table as new_rows for each statement execute function core.check_run_rows('instrument_id');
comment on trigger positions_snapshots_check_run_rows on runtime.positions_snapshots is 'Checks its run_id and instrument_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

commit;
