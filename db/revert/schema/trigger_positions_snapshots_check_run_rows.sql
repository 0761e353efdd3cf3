-- Revert prometheus:schema/trigger_positions_snapshots_check_run_rows from pg
begin;

drop trigger positions_snapshots_check_run_rows on runtime.positions_snapshots;

commit;
