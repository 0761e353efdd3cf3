-- Verify prometheus:views/view_api_fragile_entities_latest_date on pg
select as_of_date from api.fragile_entities_latest_date where false;
