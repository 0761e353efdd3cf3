-- Revert prometheus:views/view_api_fragile_entities from pg
begin;

drop view api.fragile_entities_latest_date;
drop view api.fragile_entities;

commit;
