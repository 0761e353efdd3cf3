-- Revert prometheus:views/view_api_run_trades from pg
begin;

drop view api.run_trades;

commit;
