-- Revert prometheus:schema/schema_api from pg
begin;

drop schema api;

commit;
