-- Revert prometheus:views/view_api_status_portfolio_risk from pg
begin;

drop view api.status_portfolio_risk;

commit;
