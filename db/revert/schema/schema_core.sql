-- Revert prometheus:schema/schema_core from pg
begin;

drop schema core;

commit;
