-- Verify prometheus:views/view_api_regime_history on pg
select * from api.regime_history where false;
