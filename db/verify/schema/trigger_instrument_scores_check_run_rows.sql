-- Verify prometheus:schema/trigger_instrument_scores_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'instrument_scores_check_run_rows' and tgrelid = 'runtime.instrument_scores'::regclass;
