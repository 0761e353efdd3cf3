-- Deploy prometheus:functions/function_run_backtest to pg
-- Submit a backtest from the HTTP API: validated, recorded in runtime.jobs and queued for the workers.
begin;

create or replace function api.run_backtest(
  strategy_id text,
  start_date date,
  end_date date,
  market_ids text[] default '{US_EQ}',
  config_overrides jsonb default '{}',
  portfolio_id text default null
) returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_first date;
  v_last date;
  v_market text;
  v_params jsonb;
  v_job bigint;
  v_queue bigint;
  v_config jsonb;
  v_version integer;
  v_errors text;
begin
  if strategy_id is null or start_date is null or end_date is null then
    raise exception 'strategy_id, start_date and end_date are required' using errcode = '22023',
      hint = 'POST /rpc/run_backtest {"strategy_id": "US_CORE_LONG_EQ", "start_date": "2023-01-01", "end_date": "2024-01-01", "market_ids": ["US_EQ"]}';
  end if;
  if end_date < start_date then
    raise exception 'end_date % is before start_date %', end_date, start_date using errcode = '22023';
  end if;
  if market_ids is null or cardinality(market_ids) <> 1 then
    raise exception 'give exactly one market id' using errcode = '22023', detail = 'a sleeve backtest trades one market';
  end if;
  v_market := market_ids[1];
  if not exists (select 1 from hist.markets m where m.market_id = v_market) then
    raise exception 'unknown market %', v_market using errcode = 'PT404',
      hint = (select 'known markets: ' || string_agg(m.market_id, ', ') from hist.markets m);
  end if;
  if not exists (select 1 from runtime.strategies s where s.strategy_id = run_backtest.strategy_id)
     or not exists (select 1 from runtime.strategy_configs c where c.strategy_id = run_backtest.strategy_id and c.is_active) then
    raise exception 'unknown strategy %', strategy_id using errcode = 'PT404',
      hint = (select 'registered strategies (GET /strategies): ' || string_agg(s.strategy_id, ', ' order by s.strategy_id)
                from runtime.strategies s);
  end if;
  select min(p.first_date), max(p.last_date) into v_first, v_last
    from hist.instruments p where p.market_id = v_market;
  if v_first is null or start_date < v_first or end_date > v_last then
    raise exception '% .. % is outside the loaded data %', start_date, end_date, coalesce(v_first::text || ' .. ' || v_last::text, '(none)')
      using errcode = '22023';
  end if;
  if config_overrides is null or jsonb_typeof(config_overrides) <> 'object' then
    raise exception 'config_overrides must be a JSON object' using errcode = '22023';
  end if;
  if portfolio_id is not null and portfolio_id !~ '^[A-Za-z0-9_.-]{1,64}$' then
    raise exception 'portfolio_id must be 1-64 letters, digits, ".", "_" or "-"' using errcode = '22023';
  end if;
  -- The config the worker will run, checked by the strategy's own schema (core.strategy_schema: the common rules of
  -- pycore.config.StrategyConfig plus its params, from the registry): overrides deep-merged over the active version,
  -- then the requested market set, as pycore.backtest does.
  select c.config_json, c.version into v_config, v_version
    from runtime.strategy_configs c where c.strategy_id = run_backtest.strategy_id and c.is_active;
  v_config := core.config_merge(v_config, config_overrides);
  select string_agg(e.path || ': ' || e.message, '; ') into v_errors from core.config_errors(core.strategy_schema(strategy_id), v_config) e;
  if v_errors is null and v_config ->> 'market_id' is distinct from v_market then
    select string_agg(e.path || ': ' || e.message, '; ') into v_errors
      from core.config_errors(core.strategy_schema(strategy_id), core.config_merge(v_config, jsonb_build_object('market_id', v_market))) e;
  end if;
  if v_errors is not null then
    raise exception 'invalid strategy config: %', v_errors using errcode = '22023',
      detail = format('config_overrides merged over the active config of %s (version %s)', strategy_id, v_version),
      hint = 'fields and limits as in the strategy''s config_schema (GET /strategies), e.g. {"portfolio": {"top_k": 20}} or {"params": {"top_n": 30}}';
  end if;
  v_params := jsonb_build_object('strategy_id', strategy_id, 'start_date', start_date, 'end_date', end_date,
                                 'market_ids', to_jsonb(market_ids), 'config_overrides', config_overrides,
                                 'portfolio_id', portfolio_id);
  if exists (select 1 from runtime.jobs j where j.params = v_params and j.status in ('PENDING', 'RUNNING')) then
    raise exception 'an identical backtest is already pending or running' using errcode = 'PT409',
      detail = (select 'job ' || min(j.job_id) from runtime.jobs j where j.params = v_params and j.status in ('PENDING', 'RUNNING'));
  end if;
  insert into runtime.jobs (kind, params, submitted_by) values ('BACKTEST', v_params, core.request_actor())
  returning job_id into v_job;
  -- procrastinate's own functions and triggers name their objects unqualified
  perform set_config('search_path', 'public', true);
  select (public.procrastinate_defer_jobs_v1(array[
           row('backtests', 'run_backtest_job', 0, null, null, jsonb_build_object('job_id', v_job), null)::public.procrastinate_job_to_defer_v1
         ]))[1] into v_queue;
  perform set_config('search_path', '', true);
  update runtime.jobs set queue_job_id = v_queue where job_id = v_job;
  perform pg_notify('prometheus_jobs', v_job::text);
  return v_job;
end
$$;

comment on function api.run_backtest(text, date, date, text[], jsonb, text) is
'Submit a backtest (operator only): validates the strategy, dates and market, queues the job for the workers and returns its job_id; follow it in /jobs?job_id=eq.<id>. Errors: 400 (22023) bad dates or parameters, or config_overrides that make an invalid config (message "invalid strategy config: <field path>: <reason>", e.g. "portfolio.top_k: must be >= 1" or "params.top_n: must be <= 500"; the overrides are deep-merged over the strategy''s active config and checked against the strategy''s own schema, core.strategy_schema(strategy_id): the rules of the core''s pydantic StrategyConfig plus the strategy''s params model; nothing is queued), 404 (PT404) unknown strategy (not in /strategies; never another strategy instead) or market, 409 (PT409) an identical job is already pending or running, 401/403 without the operator role.';

revoke execute on function api.run_backtest(text, date, date, text[], jsonb, text) from public;
grant execute on function api.run_backtest(text, date, date, text[], jsonb, text) to operator;

notify pgrst, 'reload schema';

commit;
