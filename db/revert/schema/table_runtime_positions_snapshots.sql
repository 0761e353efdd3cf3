-- Revert prometheus:schema/table_runtime_positions_snapshots from pg
begin;

drop table runtime.positions_snapshots;

commit;
