-- The seed's Step-2 query 4 runs verbatim as the analyst role, with the search path the role gets, and answers
-- about the latest positions of portfolio MAIN.
begin;
select plan(2);

-- SETUP
\ir ../../fixtures/analyst.psql

-- TEST: it runs as the analyst
select is(pg_temp.analyst_sqlstate($sql$SELECT as_of_date, instrument_id, quantity, market_value FROM positions_snapshots WHERE portfolio_id = 'MAIN' ORDER BY as_of_date DESC, market_value DESC LIMIT 20;$sql$), 'OK', 'the seed''s query 4 runs verbatim as analyst');

-- TEST: its answer, from a cursor opened as the analyst (names resolved and privileges checked as the analyst)
do $$ begin
  perform set_config('analyst_test.search_path', current_setting('search_path'), true);
  perform set_config('search_path', pg_temp.analyst_search_path(), true);
end $$;
set local role analyst;
declare seed_query cursor for
SELECT as_of_date, instrument_id, quantity, market_value FROM positions_snapshots WHERE portfolio_id = 'MAIN' ORDER BY as_of_date DESC, market_value DESC LIMIT 20;
reset role;
do $$ begin perform set_config('search_path', current_setting('analyst_test.search_path'), true); end $$;
select results_eq('seed_query'::refcursor,
                  $$values ('2023-01-04'::date, 'TSTA', 1000::float8, 11000::float8), ('2023-01-04', 'TSTB', 500, 10500), ('2023-01-03', 'TSTA', 1000, 10000)$$,
                  'it answers MAIN''s positions, newest first, largest first, and nothing of another portfolio');

select * from finish();
rollback;
