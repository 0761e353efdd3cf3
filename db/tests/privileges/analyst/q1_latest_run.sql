-- The seed's Step-2 query 1 runs verbatim as the analyst role, with the search path the role gets, and answers
-- about the newest run.
begin;
select plan(2);

-- SETUP
\ir ../../fixtures/analyst.psql

-- TEST: it runs as the analyst
select is(pg_temp.analyst_sqlstate($sql$SELECT run_id, strategy_id, start_date, end_date, metrics_json FROM backtest_runs ORDER BY created_at DESC LIMIT 1;$sql$), 'OK', 'the seed''s query 1 runs verbatim as analyst');

-- TEST: its answer, from a cursor opened as the analyst (names resolved and privileges checked as the analyst)
do $$ begin
  perform set_config('analyst_test.search_path', current_setting('search_path'), true);
  perform set_config('search_path', pg_temp.analyst_search_path(), true);
end $$;
set local role analyst;
declare seed_query cursor for
SELECT run_id, strategy_id, start_date, end_date, metrics_json FROM backtest_runs ORDER BY created_at DESC LIMIT 1;
reset role;
do $$ begin perform set_config('search_path', current_setting('analyst_test.search_path'), true); end $$;
select results_eq('seed_query'::refcursor,
                  $$values ('00000000-0000-0000-0000-00000000a002'::uuid, 'US_CORE_LONG_EQ', '2023-01-01'::date, '2024-01-01'::date,
                           '{"sharpe_ratio": 1.5, "cumulative_return": 0.2}'::jsonb)$$,
                  'it answers the newest run (runtime.backtest_runs, not the api view of the same name)');

select * from finish();
rollback;
