-- Deploy prometheus:schema/trigger_backtest_runs_events to pg
-- Live events: each change of a runtime.backtest_runs row that a client sees is announced (NOTIFY prometheus_events, kind run).
begin;

create trigger backtest_runs_events after insert or update on runtime.backtest_runs
  for each row execute function core.notify_event('run');

comment on trigger backtest_runs_events on runtime.backtest_runs is
'Announces the row''s run event (core.event_payload) on channel prometheus_events at commit; updates that change nothing in it are silent.';

commit;
