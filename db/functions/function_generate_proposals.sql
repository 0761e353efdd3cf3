-- Deploy prometheus:functions/function_generate_proposals to pg
-- The meta layer: turn a strategy's diagnostics into stored config change proposals.
begin;

create or replace function api.generate_proposals(strategy_id text)
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

revoke execute on function api.generate_proposals(text) from public;
grant execute on function api.generate_proposals(text) to operator;

notify pgrst, 'reload schema';

commit;
