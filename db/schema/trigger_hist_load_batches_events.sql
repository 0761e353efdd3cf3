-- Deploy prometheus:schema/trigger_hist_load_batches_events to pg
-- Live events: each change of a hist.load_batches row that a client sees is announced (NOTIFY prometheus_events, kind data).
begin;

create trigger load_batches_events after insert or update on hist.load_batches
  for each row execute function core.notify_event('data');

comment on trigger load_batches_events on hist.load_batches is
'Announces the row''s data event (core.event_payload) on channel prometheus_events at commit; updates that change nothing in it are silent.';

commit;
