-- Verify prometheus:views/view_api_risk_reports on pg
select * from api.risk_reports where false;
