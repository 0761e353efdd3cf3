-- Revert prometheus:views/view_api_risk_reports from pg
begin;

drop view api.risk_reports;

commit;
