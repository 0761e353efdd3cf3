-- Deploy prometheus:functions/function_run_tables to pg
-- The one list of the tables a run writes rows to, in SQL: what removing a run works from.
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

revoke execute on function core.run_tables() from public;
grant execute on function core.run_tables() to pycore_writer;

commit;
