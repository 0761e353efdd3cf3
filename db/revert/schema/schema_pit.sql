-- Revert prometheus:schema/schema_pit from pg
begin;

drop schema pit;

commit;
