-- Revert prometheus:functions/function_strategy_lowvol100 from pg
begin;

drop function strategies.lowvol100(date, jsonb);

commit;
