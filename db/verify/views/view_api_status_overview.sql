-- Verify prometheus:views/view_api_status_overview on pg
select * from api.status_overview where false;
