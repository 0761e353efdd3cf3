-- Verify prometheus:views/view_api_status_portfolio on pg
select * from api.status_portfolio where false;
