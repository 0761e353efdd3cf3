-- Revert prometheus:schema/table_runtime_stability_vectors from pg
begin;

drop table runtime.stability_vectors;

commit;
