-- core.strategy_config_schema: the schema generated from the models accepts the seed strategy's config and names a bad override's field; the core functions are private.
begin;
select plan(3);

-- TEST: the strategy schema generated from the models, and the seed strategy under it
select is((select count(*)::int from core.config_errors(core.strategy_config_schema(), c.config_json)), 0,
          'the seed strategy''s stored config is valid') from runtime.strategy_configs c where c.strategy_id = 'US_CORE_LONG_EQ' and c.is_active;
select is((select string_agg(e.path || ': ' || e.message, '; ') from runtime.strategy_configs c,
                  core.config_errors(core.strategy_config_schema(), core.config_merge(c.config_json, '{"portfolio": {"top_k": -5}}')) e
            where c.strategy_id = 'US_CORE_LONG_EQ' and c.is_active),
          'portfolio.top_k: must be >= 1', 'the issue''s override gives the field path pydantic names: portfolio.top_k');
select ok(not has_function_privilege('operator', 'core.config_errors(jsonb, jsonb)', 'execute')
          and not has_function_privilege('web_anon', 'core.strategy_config_schema()', 'execute'),
          'the core functions are private: only api.run_backtest (security definer) uses them');

select * from finish();
rollback;
