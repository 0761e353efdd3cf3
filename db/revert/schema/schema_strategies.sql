-- Revert prometheus:schema/schema_strategies from pg
begin;

drop schema strategies;

commit;
