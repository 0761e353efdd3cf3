-- Deploy prometheus:functions/function_config_key to pg
-- The tunable parameters of a strategy config, flattened: what diagnostics group runs by.
begin;

create or replace function core.config_key(p_config jsonb)
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
  -- a user strategy's own parameters, each by its path (params.top_n, ...), so proposals can move them
  || coalesce((select jsonb_object_agg('params.' || p.key, p.value) from jsonb_each(
                 case when jsonb_typeof(p_config -> 'params') = 'object' then p_config -> 'params' else '{}' end) p),
              '{}'::jsonb)
$$;

comment on function core.config_key(jsonb) is 'The tunable parameters of a strategy config, as a flat JSON object keyed by path (what diagnostics group runs by): the common ones (portfolio.top_k, ...) and, for a user strategy, each of its params (params.top_n, ...).';

grant execute on function core.config_key(jsonb) to pycore_writer;

commit;
