-- Verify prometheus:views/view_api_status_portfolio_risk on pg
select * from api.status_portfolio_risk where false;
