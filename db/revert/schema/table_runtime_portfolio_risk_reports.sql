-- Revert prometheus:schema/table_runtime_portfolio_risk_reports from pg
begin;

drop table runtime.portfolio_risk_reports;

commit;
