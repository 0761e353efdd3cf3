-- Deploy prometheus:schema/table_runtime_backtest_runs to pg
begin;

create table runtime.backtest_runs (
  -- time-ordered (the UUID version 7 layout: 48 bits of Unix milliseconds, then random bits): the (run_id, date)
  -- indexes of the run tables take a new run's rows at their right edge instead of all over their pages
  run_id uuid primary key default encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6),
    52, 1), 53, 1), 'hex')::uuid,
  run_seq bigint generated always as identity unique,
  strategy_id text not null check (strategy_id <> ''),
  config_json jsonb not null check (jsonb_typeof(config_json) = 'object'),
  start_date date not null,
  end_date date not null,
  universe_id text,
  metrics_json jsonb check (jsonb_typeof(metrics_json) = 'object'),
  created_at timestamptz not null default now(),
  mode text not null default 'BACKTEST' check (mode in ('BACKTEST', 'PAPER', 'LIVE')),
  portfolio_id text,
  sleeve_id text check (sleeve_id <> ''),
  market_ids text[] not null check (cardinality(market_ids) >= 1),
  status text not null default 'RUNNING' check (status in ('RUNNING', 'SUCCEEDED', 'FAILED')),
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  check (end_date >= start_date),
  check ((status = 'FAILED') = (error is not null)),
  check (finished_at is null or started_at is null or finished_at >= started_at)
);
create index backtest_runs_strategy_id_idx on runtime.backtest_runs (strategy_id, created_at);
comment on table runtime.backtest_runs is 'One row per run (backtest, or a PAPER/LIVE session): what was asked, the full config used, status and, at the end, metrics_json.';
comment on column runtime.backtest_runs.run_id is 'Run identifier (UUID, version 7 layout: the first 48 bits are the Unix time in milliseconds of its creation, so ids sort by creation); every row the run writes carries it.';
comment on column runtime.backtest_runs.run_seq is 'Small sequential number of the run; row ids of the run''s tables are run_seq * 2^32 + k.';
comment on column runtime.backtest_runs.strategy_id is 'Strategy that ran (runtime.strategy_configs.strategy_id).';
comment on column runtime.backtest_runs.config_json is 'Full validated strategy configuration used by the run (after overrides).';
comment on column runtime.backtest_runs.start_date is 'First calendar date of the backtest period (the first session on or after it is simulated).';
comment on column runtime.backtest_runs.end_date is 'Last calendar date of the backtest period (inclusive).';
comment on column runtime.backtest_runs.universe_id is 'Universe the run''s universe_members rows belong to.';
comment on column runtime.backtest_runs.metrics_json is 'Run metrics, computed in SQL by core.run_metrics and stored by core.run_finish when the run succeeds (empyrical conventions: simple daily returns, 252 days, ddof=1, risk-free 0): cumulative_return, annualized_return (= cagr), annualized_volatility (= annual_volatility), sharpe_ratio, sortino_ratio, calmar_ratio, max_drawdown, annual_turnover, trade_count, closing_trades, hit_rate, days, final_equity, initial_capital, rebalances; while running, {progress}.';
comment on column runtime.backtest_runs.created_at is 'When the run was registered.';
comment on column runtime.backtest_runs.mode is 'Execution mode of the run that wrote the row: BACKTEST, PAPER or LIVE.';
comment on column runtime.backtest_runs.portfolio_id is 'Portfolio (book) the run trades.';
comment on column runtime.backtest_runs.sleeve_id is 'Strategy sleeve the run books (a run books one sleeve of its portfolio); by default the strategy id.';
comment on column runtime.backtest_runs.market_ids is 'Markets the run trades.';
comment on column runtime.backtest_runs.status is 'RUNNING while rows are being written; SUCCEEDED with metrics; FAILED with error (its rows are removed).';
comment on column runtime.backtest_runs.error is 'Why the run failed (FAILED only).';
comment on column runtime.backtest_runs.started_at is 'When the simulation started.';
comment on column runtime.backtest_runs.finished_at is 'When the run ended (succeeded or failed).';

commit;
