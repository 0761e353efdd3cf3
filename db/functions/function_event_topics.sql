-- Deploy prometheus:functions/function_event_topics to pg
-- Which live events the calling role receives in full: its grants on the api read models decide, as for HTTP.
begin;

create or replace function api.event_topics()
returns text[]
language sql
stable
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(t.topic order by t.topic), '{}')
    from (values ('job', 'api.jobs'), ('run', 'api.backtest_runs'), ('chunk', 'api.equity_curve'),
                 ('proposal', 'api.meta_config_proposals'), ('data', 'api.status_overview')) t(topic, relation)
   where pg_catalog.has_table_privilege(t.relation, 'select')
$$;

comment on function api.event_topics() is
'The kinds of live event (job, run, chunk, proposal, data) the calling role receives in full from the push service (python -m pycore.events): those whose read model it may SELECT (api.jobs, api.backtest_runs, api.equity_curve, api.meta_config_proposals, api.status_overview). Of the other kinds it receives the status only (ids and status).';

revoke execute on function api.event_topics() from public;
grant execute on function api.event_topics() to web_anon, operator;

notify pgrst, 'reload schema';

commit;
