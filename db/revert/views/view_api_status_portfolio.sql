-- Revert prometheus:views/view_api_status_portfolio from pg
begin;

drop view api.status_portfolio;

commit;
