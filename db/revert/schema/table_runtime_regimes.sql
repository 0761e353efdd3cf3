-- Revert prometheus:schema/table_runtime_regimes from pg
begin;

drop table runtime.regimes;

commit;
