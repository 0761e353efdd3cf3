-- Revert prometheus:schema/schema_runtime from pg
begin;

drop schema runtime;

commit;
