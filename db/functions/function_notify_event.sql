-- Deploy prometheus:functions/function_notify_event to pg
-- The trigger function of the live events: NOTIFY prometheus_events with core.event_payload of the new row.
begin;

create or replace function core.notify_event()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payload jsonb := core.event_payload(tg_argv[0], pg_catalog.to_jsonb(new));
begin
  -- an update that changes nothing a client sees (a lease renewal, a run's progress counter) announces nothing
  if tg_op = 'UPDATE' and v_payload is not distinct from core.event_payload(tg_argv[0], pg_catalog.to_jsonb(old)) then
    return null;
  end if;
  perform pg_catalog.pg_notify('prometheus_events',
    (v_payload || pg_catalog.jsonb_build_object('at', extract(epoch from pg_catalog.clock_timestamp())))::text);
  return null;
end
$$;

comment on function core.notify_event() is
'AFTER INSERT OR UPDATE row trigger (argument: the event kind, as core.event_payload takes it): sends core.event_payload of the new row, with "at" (the epoch seconds when it was sent), on channel prometheus_events; delivered at COMMIT, nothing on rollback. Security definer: it fires for whoever changes the row (workers, the API''s functions, the loader). An update whose payload is unchanged sends nothing.';

revoke execute on function core.notify_event() from public;

commit;
