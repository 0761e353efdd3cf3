-- Verify prometheus:views/view_api_equity_curve on pg
select * from api.equity_curve where false;
