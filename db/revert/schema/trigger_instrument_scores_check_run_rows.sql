-- Revert prometheus:schema/trigger_instrument_scores_check_run_rows from pg
begin;

drop trigger instrument_scores_check_run_rows on runtime.instrument_scores;

commit;
