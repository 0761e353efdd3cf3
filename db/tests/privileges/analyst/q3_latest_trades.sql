-- The seed's Step-2 query 3 runs verbatim as the analyst role, with the search path the role gets, and answers
-- about the first trades of the newest run.
begin;
select plan(2);

-- SETUP
\ir ../../fixtures/analyst.psql

-- TEST: it runs as the analyst
select is(pg_temp.analyst_sqlstate($sql$SELECT as_of_date, instrument_id, side, quantity, price, pnl FROM backtest_trades WHERE run_id = (SELECT run_id FROM backtest_runs ORDER BY created_at DESC LIMIT 1) ORDER BY as_of_date LIMIT 20;$sql$), 'OK', 'the seed''s query 3 runs verbatim as analyst');

-- TEST: its answer, from a cursor opened as the analyst (names resolved and privileges checked as the analyst)
do $$ begin
  perform set_config('analyst_test.search_path', current_setting('search_path'), true);
  perform set_config('search_path', pg_temp.analyst_search_path(), true);
end $$;
set local role analyst;
declare seed_query cursor for
SELECT as_of_date, instrument_id, side, quantity, price, pnl FROM backtest_trades WHERE run_id = (SELECT run_id FROM backtest_runs ORDER BY created_at DESC LIMIT 1) ORDER BY as_of_date LIMIT 20;
reset role;
do $$ begin perform set_config('search_path', current_setting('analyst_test.search_path'), true); end $$;
select results_eq('seed_query'::refcursor,
                  $$values ('2023-01-03'::date, 'TSTA', 'BUY', 1000::float8, 10::float8, -1::float8), ('2023-01-04', 'TSTB', 'SELL', 100, 21, 99)$$,
                  'it answers the newest run''s trades, by date, under the seed''s names');

select * from finish();
rollback;
