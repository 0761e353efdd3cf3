-- Revert prometheus:schema/privileges_public from pg
begin;

alter default privileges grant execute on functions to public;

commit;
