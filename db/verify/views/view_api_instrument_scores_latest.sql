-- Verify prometheus:views/view_api_instrument_scores_latest on pg
select * from api.instrument_scores_latest where false;
