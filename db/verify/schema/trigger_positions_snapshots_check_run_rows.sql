-- Verify prometheus:schema/trigger_positions_snapshots_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'positions_snapshots_check_run_rows' and tgrelid = 'runtime.positions_snapshots'::regclass;
