-- api.event_topics: which live events a role receives in full follows its grants on the api read models.
begin;
select plan(4);

-- TEST: the anonymous reader and the operator read every read model today, so they get every kind in full
-- (asked as each role; the answers kept in settings, since pgTAP's own functions are not theirs to call)
set local role web_anon;
select set_config('events.web_anon', api.event_topics()::text, true);
reset role;
set local role operator;
select set_config('events.operator', api.event_topics()::text, true);
reset role;
select is(current_setting('events.web_anon')::text[], array['chunk', 'data', 'job', 'proposal', 'run'], 'web_anon receives every kind in full');
select is(current_setting('events.operator')::text[], array['chunk', 'data', 'job', 'proposal', 'run'], 'operator receives every kind in full');

-- TEST: a role that may not read api.jobs gets no job details
create role event_topics_probe nologin;
grant usage on schema api to event_topics_probe;
grant select on api.backtest_runs, api.equity_curve to event_topics_probe;
grant execute on function api.event_topics() to event_topics_probe;
set local role event_topics_probe;
select set_config('events.probe', api.event_topics()::text, true);
reset role;
select is(current_setting('events.probe')::text[], array['chunk', 'run'], 'a role reading only runs and equity receives only run and chunk events in full');

-- TEST: who may ask
select ok(not has_function_privilege('public', 'api.event_topics()', 'execute'), 'EXECUTE is not granted to PUBLIC');

select * from finish();
rollback;
