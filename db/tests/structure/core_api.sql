-- Schemas core and api: api holds no tables (only views and functions); core is private.
begin;
select plan(8);

-- TEST: the schemas of the design exist (pit: point-in-time views; strategies: SQL strategies)
select schemas_are(array['public', 'hist', 'runtime', 'core', 'api', 'pit', 'strategies', 'sqitch'], 'exactly the designed schemas (plus public and sqitch''s registry)');
-- TEST: the api read models
select views_are('api', array['backtest_runs', 'equity_curve', 'risk_reports', 'run_trades', 'regime_history', 'stability_history',
                              'fragile_entities', 'fragile_entities_latest_date', 'status_overview', 'status_portfolio',
                              'status_portfolio_risk', 'instrument_scores_latest', 'run_comparison', 'jobs',
                              'meta_config_proposals', 'strategy_configs', 'strategies'], 'api has exactly the designed views');
-- TEST: the api functions (job control and the meta layer)
select functions_are('api', array['run_backtest', 'cancel_job', 'diagnostics', 'generate_proposals', 'apply_proposal', 'event_topics',
                                  'reject_proposal', 'register_strategy'], 'api has exactly the designed functions');
-- TEST: api is the HTTP surface, so it has no tables
select tables_are('api', array[]::name[], 'api has no tables');
-- TEST: every api view and function has a comment (it becomes the OpenAPI text)
select is((select count(*)::int from pg_class c where c.relnamespace = 'api'::regnamespace and c.relkind in ('v', 'm')
            and obj_description(c.oid, 'pg_class') is null), 0, 'every api view has a comment');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'api'::regnamespace
            and obj_description(p.oid, 'pg_proc') is null), 0, 'every api function has a comment');
-- TEST: the engines are in core with a fixed search_path
select has_function('core', 'run_assessment', array['uuid', 'text', 'text', 'date[]', 'jsonb'], 'core.run_assessment exists');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'core'::regnamespace
            and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')), 0,
          'every core function pins its search_path');

select * from finish();
rollback;
