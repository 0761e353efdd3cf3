-- Revert prometheus:schema/table_runtime_engine_decisions from pg
begin;

drop table runtime.engine_decisions;

commit;
