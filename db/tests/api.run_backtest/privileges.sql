-- api.run_backtest: the function, and who may call it.
begin;
select plan(5);

\ir ../fixtures/jobs_api.psql

-- TEST: the function and who may call it
select has_function('api', 'run_backtest', array['text', 'date', 'date', 'text[]', 'jsonb', 'text'], 'api.run_backtest(strategy_id, start_date, end_date, market_ids, config_overrides, portfolio_id) exists');
select ok(has_function_privilege('operator', 'api.run_backtest(text, date, date, text[], jsonb, text)', 'execute'), 'operator may submit a backtest');
select ok(not has_function_privilege('web_anon', 'api.run_backtest(text, date, date, text[], jsonb, text)', 'execute'), 'web_anon may not submit a backtest');
select ok(not has_function_privilege('pycore_writer', 'api.run_backtest(text, date, date, text[], jsonb, text)', 'execute'), 'pycore_writer may not submit a backtest');
select is(pg_temp.sqlstate_as('web_anon', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31')$$), '42501',
          'web_anon calling run_backtest is refused with 42501 (PostgREST: 401)');

select * from finish();
rollback;
