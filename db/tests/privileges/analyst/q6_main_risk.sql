-- The seed's Step-2 query 6 runs verbatim as the analyst role, with the search path the role gets, and answers
-- about the latest risk report of portfolio MAIN.
begin;
select plan(2);

-- SETUP
\ir ../../fixtures/analyst.psql

-- TEST: it runs as the analyst
select is(pg_temp.analyst_sqlstate($sql$SELECT as_of_date, portfolio_value, risk_metrics FROM portfolio_risk_reports WHERE portfolio_id = 'MAIN' ORDER BY as_of_date DESC LIMIT 1;$sql$), 'OK', 'the seed''s query 6 runs verbatim as analyst');

-- TEST: its answer, from a cursor opened as the analyst (names resolved and privileges checked as the analyst)
do $$ begin
  perform set_config('analyst_test.search_path', current_setting('search_path'), true);
  perform set_config('search_path', pg_temp.analyst_search_path(), true);
end $$;
set local role analyst;
declare seed_query cursor for
SELECT as_of_date, portfolio_value, risk_metrics FROM portfolio_risk_reports WHERE portfolio_id = 'MAIN' ORDER BY as_of_date DESC LIMIT 1;
reset role;
do $$ begin perform set_config('search_path', current_setting('analyst_test.search_path'), true); end $$;
select results_eq('seed_query'::refcursor,
                  $$values ('2023-02-01'::date, 1030000::float8, '{"var_95": -0.02}'::jsonb)$$,
                  'it answers MAIN''s latest risk report');

select * from finish();
rollback;
