-- api.jobs: exists, readable by web_anon, and shows a job's progress in percent, the date reached and the request.
begin;
select plan(3);

\ir ../fixtures/jobs_api.psql

select has_view('api', 'jobs', 'api.jobs exists');
select ok(has_table_privilege('web_anon', 'api.jobs', 'select'), 'web_anon may read the jobs view');

-- SETUP: a running job at 40%
select pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{"portfolio": {"top_k": 10}}')$$);
update runtime.jobs set status = 'RUNNING', started_at = now(), progress = 0.4, progress_date = '2020-09-01'
 where status = 'PENDING';

-- TEST
select results_eq($$select progress_pct, progress_date, strategy_id, start_date from api.jobs where status = 'RUNNING'$$,
                  $$values (40.0::float8, '2020-09-01'::date, 'US_CORE_LONG_EQ', '2020-06-01'::date)$$,
                  'api.jobs shows progress in percent, the date reached and the request');

select * from finish();
rollback;
