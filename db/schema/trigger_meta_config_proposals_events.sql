-- Deploy prometheus:schema/trigger_meta_config_proposals_events to pg
-- Live events: each change of a runtime.meta_config_proposals row that a client sees is announced (NOTIFY prometheus_events, kind proposal).
begin;

create trigger meta_config_proposals_events after insert or update on runtime.meta_config_proposals
  for each row execute function core.notify_event('proposal');

comment on trigger meta_config_proposals_events on runtime.meta_config_proposals is
'Announces the row''s proposal event (core.event_payload) on channel prometheus_events at commit; updates that change nothing in it are silent.';

commit;
