-- Verify prometheus:functions/function_run_risk_reports on pg
select 'core.run_risk_reports(uuid, int, date, date)'::regprocedure;
