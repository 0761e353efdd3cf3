-- The seed's Step-2 query 5 runs verbatim as the analyst role, with the search path the role gets, and answers
-- about the latest target of portfolio MAIN.
begin;
select plan(2);

-- SETUP
\ir ../../fixtures/analyst.psql

-- TEST: it runs as the analyst
select is(pg_temp.analyst_sqlstate($sql$SELECT as_of_date, target_positions FROM target_portfolios WHERE portfolio_id = 'MAIN' ORDER BY as_of_date DESC LIMIT 1;$sql$), 'OK', 'the seed''s query 5 runs verbatim as analyst');

-- TEST: its answer, from a cursor opened as the analyst (names resolved and privileges checked as the analyst)
do $$ begin
  perform set_config('analyst_test.search_path', current_setting('search_path'), true);
  perform set_config('search_path', pg_temp.analyst_search_path(), true);
end $$;
set local role analyst;
declare seed_query cursor for
SELECT as_of_date, target_positions FROM target_portfolios WHERE portfolio_id = 'MAIN' ORDER BY as_of_date DESC LIMIT 1;
reset role;
do $$ begin perform set_config('search_path', current_setting('analyst_test.search_path'), true); end $$;
select results_eq('seed_query'::refcursor,
                  $$values ('2023-02-01'::date, '{"TSTA": 0.25, "TSTB": 0.25}'::jsonb)$$,
                  'it answers MAIN''s latest target weights');

select * from finish();
rollback;
