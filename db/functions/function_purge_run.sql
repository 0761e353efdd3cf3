-- Deploy prometheus:functions/function_purge_run to pg
-- The one list of the tables a run writes, and the removal of a run's rows (a failed, cancelled or retried attempt).
begin;

create or replace function core.run_tables()
returns regclass[]
language sql
stable
parallel safe
set search_path = ''
as $$
  -- children before parents, so the deletes of core.purge_run never wait on a foreign key
  select array['runtime.decision_outcomes'::regclass, 'runtime.backtest_trades'::regclass,
               'runtime.executed_actions'::regclass, 'runtime.fills'::regclass, 'runtime.orders'::regclass,
               'runtime.positions_snapshots'::regclass, 'runtime.backtest_daily_equity'::regclass,
               'runtime.target_portfolios'::regclass, 'runtime.portfolio_risk_reports'::regclass,
               'runtime.engine_decisions'::regclass, 'runtime.instrument_scores'::regclass,
               'runtime.universe_members'::regclass, 'runtime.regimes'::regclass,
               'runtime.stability_vectors'::regclass, 'runtime.fragility_measures'::regclass]
$$;

comment on function core.run_tables() is
'The tables a run writes rows to (each row carries its run_id), children before parents: the one list core.purge_run works from. runtime.backtest_runs (the run itself), runtime.jobs and runtime.meta_config_proposals refer to runs but are not rows of one.';

create or replace function core.purge_run(p_run_id uuid)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_table regclass;
  v_rows bigint;
  v_total bigint := 0;
begin
  if p_run_id is null then
    raise exception 'run_id is required' using errcode = '22023';
  end if;
  foreach v_table in array core.run_tables() loop
    execute format('delete from %s where run_id = $1', v_table) using p_run_id;
    get diagnostics v_rows = row_count;
    v_total := v_total + v_rows;
  end loop;
  return v_total;
end
$$;

comment on function core.purge_run(uuid) is
'Remove every row a run wrote (the tables of core.run_tables()); the runtime.backtest_runs row stays, its status is the caller''s business. Returns the number of rows removed. Errors: 22023 without a run id.';

revoke execute on function core.run_tables() from public;
revoke execute on function core.purge_run(uuid) from public;
grant execute on function core.run_tables() to pycore_writer;
grant execute on function core.purge_run(uuid) to pycore_writer;

commit;
