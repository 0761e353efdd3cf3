-- Verify prometheus:functions/function_run_metrics on pg
select 'core.run_metrics(uuid)'::regprocedure, 'core.run_decision_outcomes(uuid, int[])'::regprocedure;
