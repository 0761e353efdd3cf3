-- Deploy prometheus:functions/function_intelligence to pg
-- The meta layer: diagnose a strategy from its runs, propose config changes, apply or reject them.
begin;

create function core.config_key(p_config jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'portfolio.top_k', p_config #> '{portfolio,top_k}',
    'portfolio.weighting', p_config #> '{portfolio,weighting}',
    'portfolio.max_weight', p_config #> '{portfolio,max_weight}',
    'portfolio.sector_cap', p_config #> '{portfolio,sector_cap}',
    'portfolio.rebalance', p_config #> '{portfolio,rebalance}',
    'portfolio.regime_scaling', p_config #> '{portfolio,regime_scaling}',
    'universe.top_n_liquidity', p_config #> '{universe,top_n_liquidity}',
    'universe.max_fragility', p_config #> '{universe,max_fragility}',
    'assessment.momentum_weight', p_config #> '{assessment,momentum_weight}',
    'execution.price_model', p_config #> '{execution,price_model}')
$$;

comment on function core.config_key(jsonb) is 'The tunable parameters of a strategy config, as a flat JSON object keyed by path (what diagnostics group runs by).';

create function api.diagnostics(strategy_id text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with runs as (
    select b.run_id, b.config_json, b.metrics_json, b.start_date, b.end_date
      from runtime.backtest_runs b
     where b.strategy_id = diagnostics.strategy_id and b.status = 'SUCCEEDED' and b.metrics_json ? 'sharpe_ratio'
  ),
  days as (
    select e.run_id, e.as_of_date, e.daily_return as r, coalesce(g.regime_label, 'UNKNOWN') as regime
      from runs
      join runtime.backtest_daily_equity e on e.run_id = runs.run_id
      left join runtime.regimes g on g.run_id is null and g.region = 'US' and g.as_of_date = e.as_of_date
  ),
  overall as (
    select count(*) as n, avg(r) * 252 as annual_return,
           case when stddev_samp(r) > 0 then avg(r) / stddev_samp(r) * sqrt(252) end as sharpe,
           avg((r > 0)::int) as hit_rate
      from days
  ),
  by_regime as (
    select d.regime, count(*) as days, count(distinct d.run_id) as runs, avg(d.r) * 252 as annual_return,
           case when stddev_samp(d.r) > 0 then avg(d.r) / stddev_samp(d.r) * sqrt(252) end as sharpe,
           stddev_samp(d.r) * sqrt(252) as volatility, min(d.r) as worst_day, avg((d.r > 0)::int) as hit_rate
      from days d group by d.regime
  ),
  by_config as (
    select core.config_key(r.config_json) as config, count(*) as runs,
           avg((r.metrics_json ->> 'sharpe_ratio')::float8) as sharpe,
           avg((r.metrics_json ->> 'cagr')::float8) as annual_return,
           avg((r.metrics_json ->> 'max_drawdown')::float8) as max_drawdown,
           avg((r.metrics_json ->> 'hit_rate')::float8) as hit_rate,
           array_agg(r.run_id order by r.start_date) as run_ids
      from runs r group by 1
  ),
  median_sharpe as (
    select percentile_cont(0.5) within group (order by sharpe) as m, count(*) as n from by_config
  )
  select jsonb_build_object(
    'strategy_id', strategy_id,
    'runs', (select count(*) from runs),
    'min_runs', 3,
    'enough_evidence', (select count(*) from runs) >= 3,
    'message', case when not exists (select 1 from runtime.strategy_configs c where c.strategy_id = diagnostics.strategy_id)
                    then 'unknown strategy ' || strategy_id
                    when (select count(*) from runs) < 3
                    then format('not enough runs: %s finished run(s) of %s; diagnostics need at least 3 (run a campaign)',
                                (select count(*) from runs), strategy_id)
                    else format('%s runs, %s simulated days', (select count(*) from runs), (select n from overall)) end,
    'overall', (select jsonb_build_object('days', o.n, 'annual_return', o.annual_return, 'sharpe_ratio', o.sharpe, 'hit_rate', o.hit_rate) from overall o),
    'by_regime', coalesce((select jsonb_agg(jsonb_build_object(
        'regime', b.regime, 'days', b.days, 'runs', b.runs, 'annual_return', b.annual_return, 'sharpe_ratio', b.sharpe,
        'volatility', b.volatility, 'worst_day', b.worst_day, 'hit_rate', b.hit_rate,
        'flagged', b.days >= 20 and (b.annual_return < 0 or b.sharpe < (select sharpe from overall) - 0.5),
        'reason', case when b.days < 20 then 'fewer than 20 days: not judged'
                       when b.annual_return < 0 then 'loses money in this regime'
                       when b.sharpe < (select sharpe from overall) - 0.5 then 'lags: Sharpe more than 0.5 below its overall Sharpe' end)
        order by b.days desc) from by_regime b), '[]'::jsonb),
    'by_config', coalesce((select jsonb_agg(jsonb_build_object(
        'config', c.config, 'runs', c.runs, 'sharpe_ratio', c.sharpe, 'annual_return', c.annual_return,
        'max_drawdown', c.max_drawdown, 'hit_rate', c.hit_rate, 'run_ids', to_jsonb(c.run_ids),
        'flagged', (select n from median_sharpe) >= 2 and c.sharpe < (select m from median_sharpe) - 0.25,
        'reason', case when (select n from median_sharpe) >= 2 and c.sharpe < (select m from median_sharpe) - 0.25
                       then 'Sharpe more than 0.25 below the median config' end)
        order by c.sharpe desc nulls last) from by_config c), '[]'::jsonb))
$$;

comment on function api.diagnostics(text) is
'Diagnostics of a strategy from its finished runs: overall performance (days, annual_return, sharpe_ratio, hit_rate), performance by market regime (days, runs, annual_return, sharpe_ratio, volatility, worst_day, hit_rate) and by config (runs grouped by their tunable parameters: sharpe_ratio, annual_return, max_drawdown, hit_rate), with underperforming regimes and configs flagged and the reason. With fewer than 3 runs it says "not enough runs" (enough_evidence = false). POST /rpc/diagnostics {"strategy_id": "US_CORE_LONG_EQ"} or GET /rpc/diagnostics?strategy_id=US_CORE_LONG_EQ.';

create function api.generate_proposals(strategy_id text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_diag jsonb;
  v_config jsonb;
  v_item jsonb;
  v_scaling jsonb;
  v_ids bigint[] := '{}';
  v_id bigint;
  v_overall float8;
  v_current jsonb;
  v_best jsonb;
  v_key text;
begin
  select c.config_json into v_config from runtime.strategy_configs c
   where c.strategy_id = generate_proposals.strategy_id and c.is_active;
  if v_config is null then
    raise exception 'unknown strategy %', strategy_id using errcode = 'PT404';
  end if;
  v_diag := api.diagnostics(strategy_id);
  if not (v_diag ->> 'enough_evidence')::boolean then
    return jsonb_build_object('strategy_id', strategy_id, 'proposals', '[]'::jsonb, 'message', v_diag ->> 'message');
  end if;
  v_overall := (v_diag #>> '{overall,sharpe_ratio}')::float8;
  -- 1. regimes where the strategy loses: halve exposure there
  for v_item in select value from jsonb_array_elements(v_diag -> 'by_regime') where (value ->> 'flagged')::boolean loop
    v_scaling := coalesce(v_config #> '{portfolio,regime_scaling}', 'null'::jsonb);
    if jsonb_typeof(v_scaling) <> 'object' then
      v_scaling := '{}'::jsonb;
    end if;
    continue when v_scaling ? (v_item ->> 'regime') or v_item ->> 'regime' = 'UNKNOWN';
    continue when exists (select 1 from runtime.meta_config_proposals p where p.strategy_id = generate_proposals.strategy_id
                           and p.status = 'PROPOSED' and p.target_component = 'portfolio.regime_scaling'
                           and p.proposed_value = v_scaling || jsonb_build_object(v_item ->> 'regime', 0.5));
    insert into runtime.meta_config_proposals
      (strategy_id, market_id, proposal_type, target_component, current_value, proposed_value, confidence_score,
       expected_sharpe_improvement, expected_return_improvement, expected_risk_reduction, rationale, supporting_metrics)
    values (strategy_id, v_config ->> 'market_id', 'REGIME_EXPOSURE', 'portfolio.regime_scaling',
            v_config #> '{portfolio,regime_scaling}', v_scaling || jsonb_build_object(v_item ->> 'regime', 0.5),
            least(1.0, (v_item ->> 'days')::float8 / 250) * least(1.0, abs(coalesce((v_item ->> 'sharpe_ratio')::float8, 0) - v_overall) / 1.0),
            null,
            -0.5 * (v_item ->> 'annual_return')::float8 * (v_item ->> 'days')::float8 / (v_diag #>> '{overall,days}')::float8,
            0.5 * (v_item ->> 'volatility')::float8 * (v_item ->> 'days')::float8 / (v_diag #>> '{overall,days}')::float8,
            format('%s: %s (annual return %s%%, Sharpe %s over %s days); halving exposure in that regime halves that drag.',
                   v_item ->> 'regime', v_item ->> 'reason', round(((v_item ->> 'annual_return')::float8 * 100)::numeric, 1),
                   round((v_item ->> 'sharpe_ratio')::numeric, 2), v_item ->> 'days'),
            jsonb_build_object('regime', v_item, 'overall', v_diag -> 'overall', 'runs', v_diag -> 'runs'))
    returning proposal_id into v_id;
    v_ids := v_ids || v_id;
  end loop;
  -- 2. a tested config that beats the current one: move each differing parameter to it
  v_current := core.config_key(v_config);
  select value into v_best from jsonb_array_elements(v_diag -> 'by_config') order by (value ->> 'sharpe_ratio')::float8 desc nulls last limit 1;
  if v_best is not null and v_best -> 'config' <> v_current then
    for v_key in select key from jsonb_each(v_best -> 'config') where value is distinct from v_current -> key loop
      continue when exists (select 1 from runtime.meta_config_proposals p where p.strategy_id = generate_proposals.strategy_id
                             and p.status = 'PROPOSED' and p.target_component = v_key and p.proposed_value = v_best #> array['config', v_key]);
      insert into runtime.meta_config_proposals
        (strategy_id, market_id, proposal_type, target_component, current_value, proposed_value, confidence_score,
         expected_sharpe_improvement, expected_return_improvement, rationale, supporting_metrics)
      select strategy_id, v_config ->> 'market_id', 'PARAMETER_CHANGE', v_key, v_current -> v_key, v_best #> array['config', v_key],
             least(1.0, (v_best ->> 'runs')::float8 / 5) * least(1.0, greatest(0, (v_best ->> 'sharpe_ratio')::float8 - coalesce(cur.sharpe, v_overall)) / 0.5),
             (v_best ->> 'sharpe_ratio')::float8 - coalesce(cur.sharpe, v_overall),
             (v_best ->> 'annual_return')::float8 - coalesce(cur.annual_return, (v_diag #>> '{overall,annual_return}')::float8),
             format('Runs with %s = %s have a Sharpe of %s over %s run(s), against %s for the current config.',
                    v_key, v_best #>> array['config', v_key], round((v_best ->> 'sharpe_ratio')::numeric, 2), v_best ->> 'runs',
                    round(coalesce(cur.sharpe, v_overall)::numeric, 2)),
             jsonb_build_object('best_config', v_best, 'current_config', cur.item)
        from (select (value ->> 'sharpe_ratio')::float8 as sharpe, (value ->> 'annual_return')::float8 as annual_return, value as item
                from jsonb_array_elements(v_diag -> 'by_config') where value -> 'config' = v_current
              union all select null, null, null limit 1) cur
      returning proposal_id into v_id;
      v_ids := v_ids || v_id;
    end loop;
  end if;
  return jsonb_build_object('strategy_id', strategy_id, 'message', format('%s new proposal(s)', cardinality(v_ids)),
    'proposals', coalesce((select jsonb_agg(to_jsonb(p) order by p.proposal_id) from runtime.meta_config_proposals p
                            where p.proposal_id = any(v_ids)), '[]'::jsonb));
end
$$;

comment on function api.generate_proposals(text) is
'Generate config change proposals for a strategy from its diagnostics (operator only): halve exposure in regimes where it loses or lags (portfolio.regime_scaling), and move parameters to the best tested config. Each proposal states the parameter, from, to, expected effect, rationale and a confidence from the evidence count and effect size; it is stored PROPOSED in meta_config_proposals. Returns the new proposals (none, with the reason, when there is not enough evidence). 404 (PT404) for an unknown strategy.';

create function api.apply_proposal(proposal_id bigint)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  p runtime.meta_config_proposals;
  v_config jsonb;
  v_version int;
begin
  select * into p from runtime.meta_config_proposals x where x.proposal_id = apply_proposal.proposal_id for update;
  if not found then
    raise exception 'no proposal %', proposal_id using errcode = 'PT404';
  end if;
  if p.status <> 'PROPOSED' and p.status <> 'APPROVED' then
    raise exception 'proposal % is already %', proposal_id, p.status using errcode = 'PT409';
  end if;
  select c.config_json, c.version into v_config, v_version from runtime.strategy_configs c
   where c.strategy_id = p.strategy_id and c.is_active for update;
  if not found then
    raise exception 'strategy % of proposal % does not exist', p.strategy_id, proposal_id using errcode = 'PT404';
  end if;
  -- an object-valued parameter (e.g. regime_scaling) is merged, so applying several proposals adds up
  v_config := jsonb_set(v_config, string_to_array(p.target_component, '.'),
                        case when jsonb_typeof(p.proposed_value) = 'object'
                              and jsonb_typeof(v_config #> string_to_array(p.target_component, '.')) = 'object'
                             then (v_config #> string_to_array(p.target_component, '.')) || p.proposed_value
                             else p.proposed_value end, true);
  update runtime.strategy_configs c set is_active = false where c.strategy_id = p.strategy_id and c.is_active;
  insert into runtime.strategy_configs (strategy_id, config_json, version, is_active, created_by, source_proposal_id)
  values (p.strategy_id, v_config, (select max(version) + 1 from runtime.strategy_configs c where c.strategy_id = p.strategy_id),
          true, core.request_actor(), p.proposal_id);
  update runtime.meta_config_proposals x
     set status = 'APPLIED', applied_at = now(), approved_at = coalesce(x.approved_at, now()),
         approved_by = coalesce(x.approved_by, core.request_actor())
   where x.proposal_id = p.proposal_id;
  return jsonb_build_object('proposal_id', p.proposal_id, 'status', 'APPLIED', 'strategy_id', p.strategy_id,
                            'version', (select max(version) from runtime.strategy_configs c where c.strategy_id = p.strategy_id),
                            'previous_version', v_version, 'target_component', p.target_component,
                            'proposed_value', p.proposed_value, 'config', v_config);
end
$$;

comment on function api.apply_proposal(bigint) is
'Apply a proposal (operator only): writes a new active version of the strategy''s config with the proposed value and marks the proposal APPLIED. Errors: 404 (PT404) no such proposal or its strategy is gone, 409 (PT409) it was already applied, rejected or reverted.';

create function api.reject_proposal(proposal_id bigint, reason text default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_status text;
begin
  select x.status into v_status from runtime.meta_config_proposals x where x.proposal_id = reject_proposal.proposal_id for update;
  if not found then
    raise exception 'no proposal %', proposal_id using errcode = 'PT404';
  end if;
  if v_status not in ('PROPOSED', 'APPROVED') then
    raise exception 'proposal % is already %', proposal_id, v_status using errcode = 'PT409';
  end if;
  update runtime.meta_config_proposals x
     set status = 'REJECTED', approved_by = core.request_actor(), approved_at = now(),
         metadata = coalesce(x.metadata, '{}') || jsonb_build_object('rejection_reason', reason)
   where x.proposal_id = reject_proposal.proposal_id;
  return jsonb_build_object('proposal_id', proposal_id, 'status', 'REJECTED');
end
$$;

comment on function api.reject_proposal(bigint, text) is
'Reject a proposal (operator only), with an optional reason. Errors: 404 (PT404) no such proposal, 409 (PT409) it is no longer open.';

revoke execute on function api.diagnostics(text), api.generate_proposals(text), api.apply_proposal(bigint), api.reject_proposal(bigint, text) from public;
grant execute on function api.diagnostics(text) to web_anon;
grant execute on function api.generate_proposals(text), api.apply_proposal(bigint), api.reject_proposal(bigint, text) to operator;
grant execute on function core.config_key(jsonb) to pycore_writer;

create view api.meta_config_proposals as
select p.proposal_id, p.strategy_id, p.market_id, p.proposal_type, p.target_component, p.current_value, p.proposed_value,
       p.confidence_score, p.expected_sharpe_improvement, p.expected_return_improvement, p.expected_risk_reduction,
       p.rationale, p.supporting_metrics, p.status, p.approved_by, p.approved_at, p.applied_at, p.created_at
  from runtime.meta_config_proposals p;

comment on view api.meta_config_proposals is 'Config change proposals of the meta layer (status PROPOSED, APPLIED, REJECTED, ...): which parameter, from, to, expected effect, confidence and rationale. Filter strategy_id=eq.<id>&status=eq.PROPOSED.';

create view api.strategy_configs as
select c.strategy_id, c.version, c.is_active, c.config_json, c.updated_at, c.created_by, c.source_proposal_id
  from runtime.strategy_configs c;

comment on view api.strategy_configs is 'Strategy configurations, every version; the active one is what runs use. A version written by applying a proposal names it in source_proposal_id.';

notify pgrst, 'reload schema';

commit;
