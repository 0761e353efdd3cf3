-- Verify prometheus:schema/trigger_hist_load_batches_events on pg
select 1 / count(*) from pg_catalog.pg_trigger where tgname = 'load_batches_events' and tgrelid = 'hist.load_batches'::regclass;
