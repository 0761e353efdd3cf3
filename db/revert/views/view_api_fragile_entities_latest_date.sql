-- Revert prometheus:views/view_api_fragile_entities_latest_date from pg
begin;

drop view api.fragile_entities_latest_date;

commit;
