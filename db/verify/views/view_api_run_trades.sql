-- Verify prometheus:views/view_api_run_trades on pg
select * from api.run_trades where false;
