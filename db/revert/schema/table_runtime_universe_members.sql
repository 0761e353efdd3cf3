-- Revert prometheus:schema/table_runtime_universe_members from pg
begin;

drop table runtime.universe_members;

commit;
