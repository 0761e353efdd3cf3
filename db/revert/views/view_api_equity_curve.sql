-- Revert prometheus:views/view_api_equity_curve from pg
begin;

drop view api.equity_curve;

commit;
