-- core.config_key: the tunable parameters of a strategy config, flattened by path (what diagnostics group runs by).
begin;
select plan(4);

select is((select array_agg(k order by k) from jsonb_object_keys(core.config_key('{}')) k),
          array['assessment.momentum_weight', 'execution.price_model', 'portfolio.max_weight', 'portfolio.rebalance',
                'portfolio.regime_scaling', 'portfolio.sector_cap', 'portfolio.top_k', 'portfolio.weighting',
                'universe.max_fragility', 'universe.top_n_liquidity'],
          'the ten tunable parameters, keyed by their dotted path');
select is(core.config_key('{"portfolio": {"top_k": 20, "weighting": "EQUAL"}, "universe": {"top_n_liquidity": 300}, "initial_capital": 5}')
            - array['assessment.momentum_weight', 'execution.price_model', 'portfolio.max_weight', 'portfolio.rebalance',
                    'portfolio.regime_scaling', 'portfolio.sector_cap', 'universe.max_fragility'],
          '{"portfolio.top_k": 20, "portfolio.weighting": "EQUAL", "universe.top_n_liquidity": 300}'::jsonb,
          'each parameter carries the config''s value; what is not tunable (initial_capital) is left out');
select is(core.config_key((select config_json from runtime.strategy_configs where strategy_id = 'US_CORE_LONG_EQ' and is_active)),
          core.config_key((select config_json || '{"initial_capital": 1}' from runtime.strategy_configs where strategy_id = 'US_CORE_LONG_EQ' and is_active)),
          'two configs that differ only in what is not tunable have the same key');
-- TEST: a user strategy's own params are tunable, each by its path
select is(core.config_key('{"params": {"top_n": 30, "max_gross": 0.8}}') - array['assessment.momentum_weight', 'execution.price_model',
            'portfolio.max_weight', 'portfolio.rebalance', 'portfolio.regime_scaling', 'portfolio.sector_cap',
            'universe.max_fragility', 'portfolio.top_k', 'portfolio.weighting', 'universe.top_n_liquidity'],
          '{"params.top_n": 30, "params.max_gross": 0.8}'::jsonb, 'params.top_n and params.max_gross are keys of their own');

select * from finish();
rollback;
