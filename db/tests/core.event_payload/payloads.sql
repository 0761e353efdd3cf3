-- core.event_payload: the small JSON of a live event, built from a row of a state table.
begin;
select plan(8);

\ir ../fixtures/jobs.psql

-- SETUP: a pending job, a running run
select pg_temp.new_job('EVT_A');
select pg_temp.new_run('00000000-0000-0000-0000-0000000000e1');

-- TEST: a job's event names the job, its status, progress and the strategy and portfolio it runs
select is(core.event_payload('job', (select to_jsonb(j) from runtime.jobs j where j.job_id = pg_temp.job_of('EVT_A'))),
          jsonb_build_object('type', 'job', 'job_id', pg_temp.job_of('EVT_A'), 'kind', 'BACKTEST', 'status', 'PENDING',
                             'progress', 0, 'progress_date', null, 'run_id', null, 'attempts', 0, 'cancel_requested', false,
                             'strategy_id', 'US_CORE_LONG_EQ', 'portfolio_id', 'EVT_A', 'error', null),
          'a job event carries its id, kind, status, progress, attempts, cancel flag, strategy, portfolio and error');

-- TEST: a lease renewal does not change the event (so the trigger stays silent on heartbeats)
select core.job_start(pg_temp.job_of('EVT_A'), 'host:1');
select is(core.event_payload('job', (select to_jsonb(j) || '{"lease_expires_at": "2030-01-01T00:00:00Z", "updated_at": "2030-01-01T00:00:00Z"}'
                                     from runtime.jobs j where j.job_id = pg_temp.job_of('EVT_A'))),
          core.event_payload('job', (select to_jsonb(j) from runtime.jobs j where j.job_id = pg_temp.job_of('EVT_A'))),
          'the lease and the update time are not part of a job event');

-- TEST: a run's event has its headline metrics once it succeeded, not its progress while it runs
update runtime.backtest_runs set metrics_json = '{"progress": 0.5}' where run_id = '00000000-0000-0000-0000-0000000000e1';
select is(core.event_payload('run', (select to_jsonb(r) from runtime.backtest_runs r where r.run_id = '00000000-0000-0000-0000-0000000000e1')) -> 'metrics',
          'null'::jsonb, 'a running run''s event has no metrics (its progress counter is not announced)');
select is(core.event_payload('run', (select to_jsonb(r) || '{"status": "SUCCEEDED", "metrics_json": {"sharpe_ratio": 1.25, "cagr": 0.1, "max_drawdown": -0.2, "returns_by_month": [1, 2, 3]}}'
                                     from runtime.backtest_runs r where r.run_id = '00000000-0000-0000-0000-0000000000e1')) -> 'metrics',
          '{"sharpe_ratio": 1.25, "cagr": 0.1, "max_drawdown": -0.2}'::jsonb,
          'a succeeded run''s event carries its headline metrics and nothing bulky');

-- TEST: proposals and data batches
select is(core.event_payload('proposal', '{"proposal_id": 7, "strategy_id": "S", "status": "APPLIED", "proposal_type": "REGIME_SCALING", "target_component": "portfolio", "confidence_score": 0.8, "rationale": "long text"}'),
          '{"type": "proposal", "proposal_id": 7, "strategy_id": "S", "status": "APPLIED", "proposal_type": "REGIME_SCALING", "target_component": "portfolio", "confidence_score": 0.8}'::jsonb,
          'a proposal event names the proposal, its strategy, status, type, component and confidence, not its rationale');
select is(core.event_payload('data', '{"batch_id": 3, "file_name": "prices.csv.gz", "sha256": "ab", "target": "hist.prices_daily", "row_count": 10}'),
          '{"type": "data", "batch_id": 3, "file_name": "prices.csv.gz", "target": "hist.prices_daily", "row_count": 10}'::jsonb,
          'a data event names the batch, its file, its table and its row count');

-- TEST: bounds
select ok(octet_length(core.event_payload('job', (select to_jsonb(j) || jsonb_build_object('error', repeat('x', 100000))
                                                   from runtime.jobs j where j.job_id = pg_temp.job_of('EVT_A')))::text) < 8000,
          'a job with a huge error still makes an event under NOTIFY''s 8000 bytes (the error is cut)');
select is(core.event_payload('nonsense', '{}'), null, 'an unknown kind makes no event');

select * from finish();
rollback;
