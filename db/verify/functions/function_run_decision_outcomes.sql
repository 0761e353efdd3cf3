-- Verify prometheus:functions/function_run_decision_outcomes on pg
select 'core.run_decision_outcomes(uuid, int[])'::regprocedure;
