-- Revert prometheus:views/view_api_instrument_scores_latest from pg
begin;

drop view api.instrument_scores_latest;

commit;
