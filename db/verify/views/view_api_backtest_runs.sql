-- Verify prometheus:views/view_api_backtest_runs on pg
select * from api.backtest_runs where false;
