-- Revert prometheus:functions/function_run_regimes from pg
begin;

drop function core.run_regimes(text, date, date);

commit;
