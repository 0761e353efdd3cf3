-- Deploy prometheus:schema/table_runtime_meta_config_proposals to pg
begin;

create table runtime.meta_config_proposals (
  proposal_id bigint generated always as identity primary key,
  run_id uuid references runtime.backtest_runs (run_id) on delete set null,
  strategy_id text not null check (strategy_id <> ''),
  market_id text references hist.markets (market_id),
  proposal_type text not null check (proposal_type <> ''),
  target_component text not null check (target_component <> ''),
  current_value jsonb,
  proposed_value jsonb not null,
  confidence_score double precision not null check (confidence_score between 0 and 1),
  expected_sharpe_improvement double precision,
  expected_return_improvement double precision,
  expected_risk_reduction double precision,
  rationale text,
  supporting_metrics jsonb check (jsonb_typeof(supporting_metrics) = 'object'),
  status text not null default 'PROPOSED' check (status in ('PROPOSED', 'APPROVED', 'REJECTED', 'APPLIED', 'REVERTED')),
  approved_by text,
  approved_at timestamptz,
  applied_at timestamptz,
  reverted_at timestamptz,
  metadata jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now(),
  mode text not null default 'BACKTEST' check (mode in ('BACKTEST', 'PAPER', 'LIVE'))
);
create index meta_config_proposals_run_id_idx on runtime.meta_config_proposals (run_id);
create index meta_config_proposals_strategy_idx on runtime.meta_config_proposals (strategy_id, status);
create index meta_config_proposals_market_id_idx on runtime.meta_config_proposals (market_id);
comment on table runtime.meta_config_proposals is 'Config change proposals of the meta layer, from diagnostics of past runs; an operator approves, rejects or applies them.';
comment on column runtime.meta_config_proposals.proposal_id is 'Proposal identifier.';
comment on column runtime.meta_config_proposals.run_id is 'A run the evidence came from, if one.';
comment on column runtime.meta_config_proposals.strategy_id is 'Strategy the proposal is for.';
comment on column runtime.meta_config_proposals.market_id is 'Market.';
comment on column runtime.meta_config_proposals.proposal_type is 'Kind of change, e.g. PARAMETER_CHANGE.';
comment on column runtime.meta_config_proposals.target_component is 'Config path changed, e.g. portfolio.top_k.';
comment on column runtime.meta_config_proposals.current_value is 'Value now.';
comment on column runtime.meta_config_proposals.proposed_value is 'Value proposed.';
comment on column runtime.meta_config_proposals.confidence_score is 'Confidence in [0, 1] from evidence count and effect size.';
comment on column runtime.meta_config_proposals.expected_sharpe_improvement is 'Expected Sharpe change.';
comment on column runtime.meta_config_proposals.expected_return_improvement is 'Expected annual return change (fraction).';
comment on column runtime.meta_config_proposals.expected_risk_reduction is 'Expected drawdown or volatility reduction (fraction).';
comment on column runtime.meta_config_proposals.rationale is 'Why, in words.';
comment on column runtime.meta_config_proposals.supporting_metrics is 'The evidence: runs, counts, metric values.';
comment on column runtime.meta_config_proposals.status is 'PROPOSED, APPROVED, REJECTED, APPLIED or REVERTED.';
comment on column runtime.meta_config_proposals.approved_by is 'Who approved or rejected.';
comment on column runtime.meta_config_proposals.approved_at is 'When approved.';
comment on column runtime.meta_config_proposals.applied_at is 'When applied (a new strategy_configs version).';
comment on column runtime.meta_config_proposals.reverted_at is 'When reverted.';
comment on column runtime.meta_config_proposals.metadata is 'Free-form details.';
comment on column runtime.meta_config_proposals.created_at is 'When proposed.';
comment on column runtime.meta_config_proposals.mode is 'Execution mode of the run that wrote the row: BACKTEST, PAPER or LIVE.';

commit;
