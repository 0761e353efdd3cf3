-- Revert prometheus:functions/function_run_decision_outcomes from pg
begin;

drop function core.run_decision_outcomes(uuid, int[]);

commit;
