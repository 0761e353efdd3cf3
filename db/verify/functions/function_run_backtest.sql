-- Verify prometheus:functions/function_run_backtest on pg
select 'api.run_backtest(text, date, date, text[], jsonb, text)'::regprocedure;
