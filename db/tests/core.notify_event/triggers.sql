-- core.notify_event: the trigger function of the live events, on the four state tables.
begin;
select plan(6);

-- TEST: the triggers
select has_trigger('runtime', 'jobs', 'jobs_events', 'runtime.jobs announces its changes');
select has_trigger('runtime', 'backtest_runs', 'backtest_runs_events', 'runtime.backtest_runs announces its changes');
select has_trigger('runtime', 'meta_config_proposals', 'meta_config_proposals_events', 'runtime.meta_config_proposals announces its changes');
select has_trigger('hist', 'load_batches', 'load_batches_events', 'hist.load_batches announces new market data');
select trigger_is('runtime', 'jobs', 'jobs_events', 'core', 'notify_event', 'the job trigger calls core.notify_event');

-- TEST: no trigger on the bulk-written run tables (their COPY path stays free of per-row work)
select is((select count(*)::int from pg_trigger t where not t.tgisinternal and t.tgfoid = 'core.notify_event()'::regprocedure
            and t.tgrelid not in ('runtime.jobs'::regclass, 'runtime.backtest_runs'::regclass, 'runtime.meta_config_proposals'::regclass,
                                  'hist.load_batches'::regclass)),
          0, 'core.notify_event fires on the four small state tables only');

select * from finish();
rollback;
