-- Deploy prometheus:schema/trigger_jobs_events to pg
-- Live events: each change of a runtime.jobs row that a client sees is announced (NOTIFY prometheus_events, kind job).
begin;

create trigger jobs_events after insert or update on runtime.jobs
  for each row execute function core.notify_event('job');

comment on trigger jobs_events on runtime.jobs is
'Announces the row''s job event (core.event_payload) on channel prometheus_events at commit; updates that change nothing in it are silent.';

commit;
