-- Revert prometheus:schema/schema_hist from pg
begin;

drop schema hist;

commit;
