-- api.run_backtest: a valid submission queues one PENDING job for the workers; an identical one waits for it to end.
begin;
select plan(5);

\ir ../fixtures/jobs_api.psql

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

-- TEST: once the first one is cancelled, the same backtest may be submitted again
select api.cancel_job((select job_id from runtime.jobs));
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{"portfolio": {"top_k": 10}}')$$), 'OK',
          'once the first is cancelled, the same backtest may be submitted again');

select * from finish();
rollback;
