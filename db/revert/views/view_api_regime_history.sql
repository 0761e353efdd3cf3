-- Revert prometheus:views/view_api_regime_history from pg
begin;

drop view api.regime_history;

commit;
