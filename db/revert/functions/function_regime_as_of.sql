-- Revert prometheus:functions/function_regime_as_of from pg
begin;

drop function core.regime_as_of(date, text);

commit;
