-- Revert prometheus:schema/trigger_hist_load_batches_events from pg
begin;

drop trigger load_batches_events on hist.load_batches;

commit;
