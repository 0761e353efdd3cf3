-- Revert prometheus:schema/table_runtime_fragility_measures from pg
begin;

drop table runtime.fragility_measures;

commit;
