-- Revert prometheus:functions/function_run_backtest from pg
begin;

drop function api.run_backtest(text, date, date, text[], jsonb, text);

commit;
