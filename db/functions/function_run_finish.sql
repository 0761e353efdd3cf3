-- Deploy prometheus:functions/function_run_finish to pg
-- A run ends well: RUNNING -> SUCCEEDED with the metrics SQL computes from what it stored.
begin;

create or replace function core.run_finish(p_run_id uuid)
returns jsonb
language plpgsql
volatile
set search_path = ''
-- the reference check runs on rows just loaded, before statistics know them: hash anti-joins, never a nested loop
set enable_nestloop = off
as $$
declare
  v_status text;
  v_metrics jsonb;
  v_broken text;
begin
  if p_run_id is null then
    raise exception 'run_id is required' using errcode = '22023';
  end if;
  select r.status into v_status from runtime.backtest_runs r where r.run_id = p_run_id for update;
  if not found then
    raise exception 'no run %', p_run_id using errcode = 'PT404';
  end if;
  if v_status <> 'RUNNING' then
    raise exception 'run % is %, not RUNNING', p_run_id, v_status using errcode = 'PT409';
  end if;
  -- the run's rows came in by bulk COPY with no per-row foreign keys: check them here, set-based, once
  select string_agg(format('%s (%s rows)', c.what, c.n), '; ' order by c.what) into v_broken
    from (
      select 'decision_id not a decision of the run: ' || x.tbl as what, count(*) as n
        from (select 'orders' as tbl, o.decision_id from runtime.orders o where o.run_id = p_run_id
              union all select 'executed_actions', a.decision_id from runtime.executed_actions a where a.run_id = p_run_id
              union all select 'backtest_trades', t.decision_id from runtime.backtest_trades t where t.run_id = p_run_id
              union all select 'target_portfolios', g.decision_id from runtime.target_portfolios g where g.run_id = p_run_id) x
       where x.decision_id is not null
         and not exists (select from runtime.engine_decisions d where d.decision_id = x.decision_id and d.run_id = p_run_id)
       group by x.tbl
      union all
      select 'order_id not an order of the run: fills', count(*)
        from runtime.fills f
       where f.run_id = p_run_id
         and not exists (select from runtime.orders o where o.order_id = f.order_id and o.run_id = p_run_id)
      having count(*) > 0
      union all
      select 'fill_id not a fill of the run: backtest_trades', count(*)
        from runtime.backtest_trades t
       where t.run_id = p_run_id and t.fill_id is not null
         and not exists (select from runtime.fills f where f.fill_id = t.fill_id and f.run_id = p_run_id)
      having count(*) > 0
    ) c;
  if v_broken is not null then
    raise exception 'run % has rows that refer to nothing: %', p_run_id, v_broken using errcode = '23503';
  end if;
  v_metrics := core.run_metrics(p_run_id);
  update runtime.backtest_runs r
     set metrics_json = v_metrics, status = 'SUCCEEDED', error = null, finished_at = now()
   where r.run_id = p_run_id;
  return v_metrics;
end
$$;

comment on function core.run_finish(uuid) is
'RUNNING -> SUCCEEDED: the run service ends a run whose rows are all stored. First checks, set-based, the references within the run that the bulk-loaded run tables do not check row by row (their run_id and instrument_id are checked per statement by core.check_run_rows): every decision_id of its orders, executed_actions, backtest_trades and target_portfolios is a decision of the same run, every fill''s order_id an order of the run and every trade''s fill_id a fill of the run (23503 naming what refers to nothing; the run stays RUNNING). Then stores core.run_metrics(run_id) as metrics_json (replacing the progress it held) and returns it. Errors: 22023 without a run id; PT404 no such run; PT409 the run is not RUNNING; 23503 rows that refer to nothing.';

revoke execute on function core.run_finish(uuid) from public;
grant execute on function core.run_finish(uuid) to pycore_writer;

commit;
