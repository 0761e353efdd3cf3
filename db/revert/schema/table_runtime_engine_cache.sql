-- Revert prometheus:schema/table_runtime_engine_cache from pg
begin;

drop table runtime.engine_cache;

commit;
