-- Deploy prometheus:functions/function_event_payload to pg
-- The small JSON a live event carries (ids and figures, well under NOTIFY's 8000 bytes), built from a row of a state
-- table; core.notify_event sends it, the push service (python -m pycore.events) fans it out.
begin;

create or replace function core.event_payload(p_kind text, p_row jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select case p_kind
    when 'job' then pg_catalog.jsonb_build_object(
      'type', 'job', 'job_id', p_row -> 'job_id', 'kind', p_row -> 'kind', 'status', p_row -> 'status',
      'progress', p_row -> 'progress', 'progress_date', p_row -> 'progress_date', 'run_id', p_row -> 'run_id',
      'attempts', p_row -> 'attempts', 'cancel_requested', p_row -> 'cancel_requested',
      'strategy_id', p_row -> 'params' -> 'strategy_id', 'portfolio_id', p_row -> 'params' -> 'portfolio_id',
      'error', pg_catalog.to_jsonb(pg_catalog.left(p_row ->> 'error', 500)))
    when 'run' then pg_catalog.jsonb_build_object(
      'type', 'run', 'run_id', p_row -> 'run_id', 'status', p_row -> 'status', 'strategy_id', p_row -> 'strategy_id',
      'portfolio_id', p_row -> 'portfolio_id', 'start_date', p_row -> 'start_date', 'end_date', p_row -> 'end_date',
      'error', pg_catalog.to_jsonb(pg_catalog.left(p_row ->> 'error', 500)),
      -- the headline metrics once it succeeded (while it runs metrics_json holds its progress: not announced here)
      'metrics', case when p_row ->> 'status' = 'SUCCEEDED' and pg_catalog.jsonb_typeof(p_row -> 'metrics_json') = 'object' then
        (select pg_catalog.jsonb_object_agg(m.key, m.value) from pg_catalog.jsonb_each(p_row -> 'metrics_json') m
          where m.key in ('days', 'cumulative_return', 'cagr', 'annual_volatility', 'sharpe_ratio', 'sortino_ratio',
                          'max_drawdown', 'calmar_ratio', 'final_equity', 'initial_capital', 'trade_count', 'hit_rate'))
      end)
    when 'proposal' then pg_catalog.jsonb_build_object(
      'type', 'proposal', 'proposal_id', p_row -> 'proposal_id', 'strategy_id', p_row -> 'strategy_id',
      'status', p_row -> 'status', 'proposal_type', p_row -> 'proposal_type',
      'target_component', p_row -> 'target_component', 'confidence_score', p_row -> 'confidence_score')
    when 'data' then pg_catalog.jsonb_build_object(
      'type', 'data', 'batch_id', p_row -> 'batch_id', 'file_name', p_row -> 'file_name', 'target', p_row -> 'target',
      'row_count', p_row -> 'row_count')
  end
$$;

comment on function core.event_payload(text, jsonb) is
'The live event of kind p_kind (job, run, proposal, data) for p_row, a row of runtime.jobs, runtime.backtest_runs, runtime.meta_config_proposals or hist.load_batches as jsonb: {"type": p_kind, the row''s ids, status and figures}; a run''s headline metrics once it SUCCEEDED; errors cut to 500 characters. Null for an unknown kind. Always far below NOTIFY''s 8000 bytes.';

revoke execute on function core.event_payload(text, jsonb) from public;

commit;
