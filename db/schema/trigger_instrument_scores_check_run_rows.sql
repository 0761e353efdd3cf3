-- Deploy prometheus:schema/trigger_instrument_scores_check_run_rows to pg
-- runtime.instrument_scores checks its rows' references once per statement, set-based, in place of per-row foreign keys.
begin;

create trigger instrument_scores_check_run_rows after insert on runtime.instrument_scores
  referencing new table as new_rows for each statement execute function core.check_run_rows('instrument_id', 'market_id');
comment on trigger instrument_scores_check_run_rows on runtime.instrument_scores is 'Checks its run_id, instrument_id and market_id once per statement, set-based (core.check_run_rows), in place of per-row foreign keys: the engines insert a run''s rows for every decision date in one statement.';

commit;
