-- Verify prometheus:views/view_api_fragile_entities on pg
select * from api.fragile_entities where false;
