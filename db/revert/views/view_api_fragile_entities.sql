-- Revert prometheus:views/view_api_fragile_entities from pg
begin;

drop view api.fragile_entities;

commit;
