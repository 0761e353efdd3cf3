-- Revert prometheus:schema/table_runtime_fills from pg
begin;

drop table runtime.fills;

commit;
