-- Revert prometheus:functions/function_run_risk_reports from pg
begin;

drop function core.run_risk_reports(uuid, int);

commit;
