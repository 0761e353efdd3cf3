-- Revert prometheus:functions/function_run_risk_reports from pg
begin;

-- by name: the one function of that name, whichever argument list a database has deployed
drop function core.run_risk_reports;

commit;
