-- api.run_backtest / api.cancel_job / api.jobs: permissions per role, validation SQLSTATEs, the job state machine.
begin;
select plan(34);

-- SETUP: one market and one instrument priced 2020-01-02 .. 2021-12-31; a helper that runs a statement as a role
-- (with the JWT claims PostgREST would set) and returns its SQLSTATE, or OK.
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD') on conflict do nothing;
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('EMPTY_MKT', 'A market without instruments', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar, first_date, last_date)
values ('TSTA', 'US_EQ', 'TSTA', 'Test A', 'Industrials', 'USD', 'XNYS', '2020-01-02', '2021-12-31') on conflict do nothing;

\ir sqlstate_as.psql

-- TEST: the functions and who may call them
select has_function('api', 'run_backtest', array['text', 'date', 'date', 'text[]', 'jsonb', 'text'], 'api.run_backtest(strategy_id, start_date, end_date, market_ids, config_overrides, portfolio_id) exists');
select has_function('api', 'cancel_job', array['bigint'], 'api.cancel_job(job_id) exists');
select has_view('api', 'jobs', 'api.jobs exists');
select ok(has_function_privilege('operator', 'api.run_backtest(text, date, date, text[], jsonb, text)', 'execute'), 'operator may submit a backtest');
select ok(not has_function_privilege('web_anon', 'api.run_backtest(text, date, date, text[], jsonb, text)', 'execute'), 'web_anon may not submit a backtest');
select ok(not has_function_privilege('pycore_writer', 'api.run_backtest(text, date, date, text[], jsonb, text)', 'execute'), 'pycore_writer may not submit a backtest');
select ok(has_function_privilege('operator', 'api.cancel_job(bigint)', 'execute'), 'operator may cancel a job');
select ok(not has_function_privilege('web_anon', 'api.cancel_job(bigint)', 'execute'), 'web_anon may not cancel a job');
select ok(has_table_privilege('web_anon', 'api.jobs', 'select'), 'web_anon may read the jobs view');
select is(pg_temp.sqlstate_as('web_anon', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31')$$), '42501',
          'web_anon calling run_backtest is refused with 42501 (PostgREST: 401)');
select is(pg_temp.sqlstate_as('web_anon', $$select api.cancel_job(1)$$), '42501', 'web_anon calling cancel_job is refused with 42501');

-- TEST: validation, each with the SQLSTATE PostgREST maps to a 4xx
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest(null, '2020-06-01', '2020-12-31')$$), '22023', 'a missing strategy_id is 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-12-31', '2020-06-01')$$), '22023', 'end before start is 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('NO_SUCH', '2020-06-01', '2020-12-31')$$), 'PT404', 'an unknown strategy is PT404 (404)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{XX_NONE}')$$), 'PT404', 'an unknown market is PT404 (404)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ,EMPTY_MKT}')$$), '22023', 'two markets are 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{EMPTY_MKT}')$$), '22023', 'a market without data is 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2019-01-01', '2020-12-31')$$), '22023', 'dates outside the loaded data are 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '[1]')$$), '22023', 'config_overrides that are not an object are 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{}', 'bad id; drop')$$), '22023', 'a malformed portfolio_id is 22023 (400)');
select is((select count(*)::int from runtime.jobs), 0, 'refused submissions leave no job behind');

-- TEST: a valid submission queues one PENDING job for the workers
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{"portfolio": {"top_k": 10}}')$$), 'OK',
          'operator submits a valid backtest');
select results_eq($$select status, kind, submitted_by, params ->> 'strategy_id', (params #>> '{config_overrides,portfolio,top_k}')::int from runtime.jobs$$,
                  $$values ('PENDING', 'BACKTEST', 'tester', 'US_CORE_LONG_EQ', 10)$$,
                  'the job is PENDING, a BACKTEST, submitted by the JWT subject, with its parameters');
select results_eq($$select q.queue_name, q.task_name, q.status::text, (q.args ->> 'job_id')::bigint
                      from public.procrastinate_jobs q join runtime.jobs j on j.queue_job_id = q.id$$,
                  $$select 'backtests'::varchar, 'run_backtest_job'::varchar, 'todo', job_id from runtime.jobs$$,
                  'the job is in the workers'' queue (backtests) with its job id');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{"portfolio": {"top_k": 10}}')$$), 'PT409',
          'an identical job while one is pending is PT409 (409)');

-- TEST: cancel a PENDING job
select is(api.cancel_job((select job_id from runtime.jobs)), 'CANCELLED', 'cancelling a pending job cancels it at once');
select results_eq($$select j.status, q.status::text from runtime.jobs j join public.procrastinate_jobs q on q.id = j.queue_job_id$$,
                  $$values ('CANCELLED', 'cancelled')$$, 'the job and its queue entry are cancelled');
select is(pg_temp.sqlstate_as('operator', format('select api.cancel_job(%s)', (select job_id from runtime.jobs))), 'PT409', 'cancelling an ended job is PT409 (409)');
select is(pg_temp.sqlstate_as('operator', 'select api.cancel_job(-1)'), 'PT404', 'cancelling an unknown job is PT404 (404)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{"portfolio": {"top_k": 10}}')$$), 'OK',
          'once the first is cancelled, the same backtest may be submitted again');

-- TEST: cancel a RUNNING job: it is asked to stop, its worker does the rest
update runtime.jobs set status = 'RUNNING', started_at = now(), progress = 0.4, progress_date = '2020-09-01'
 where status = 'PENDING';
update public.procrastinate_jobs set status = 'doing' where id = (select queue_job_id from runtime.jobs where status = 'RUNNING');
select is(api.cancel_job((select job_id from runtime.jobs where status = 'RUNNING')), 'CANCEL_REQUESTED', 'cancelling a running job requests it');
select results_eq($$select j.status, j.cancel_requested, q.abort_requested from runtime.jobs j join public.procrastinate_jobs q on q.id = j.queue_job_id where j.status = 'RUNNING'$$,
                  $$values ('RUNNING', true, true)$$, 'the running job is flagged for its worker and stays RUNNING until the worker stops');
select results_eq($$select progress_pct, progress_date, strategy_id, start_date from api.jobs where status = 'RUNNING'$$,
                  $$values (40.0::float8, '2020-09-01'::date, 'US_CORE_LONG_EQ', '2020-06-01'::date)$$,
                  'api.jobs shows progress in percent, the date reached and the request');
select throws_ok($$insert into runtime.jobs (kind, params, status) values ('BACKTEST', '{}', 'DONE')$$, '23514', null,
                 'a job status outside the state machine is refused');

select * from finish();
rollback;
