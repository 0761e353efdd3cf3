-- Revert prometheus:functions/function_strategy_targets from pg
begin;

drop function core.strategy_targets(text, date, jsonb);
revoke select (strategy_id, kind, code) on runtime.strategies from strategy_sandbox;
revoke usage on schema runtime from strategy_sandbox;

commit;
