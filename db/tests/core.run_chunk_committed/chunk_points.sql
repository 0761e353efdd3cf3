-- core.run_chunk_committed: a chunk's equity points, announced at its commit, in payloads under 8000 bytes.
begin;
select plan(8);

\ir ../fixtures/jobs.psql

-- SETUP: a running job whose run has two equity points (2023-01-03, 2023-01-04)
select pg_temp.new_job('CHUNK_A');
select core.job_start(pg_temp.job_of('CHUNK_A'), 'host:1');
select pg_temp.new_run('00000000-0000-0000-0000-0000000000c1');
select core.job_progress(pg_temp.job_of('CHUNK_A'), 'host:1', 0.2, null, '00000000-0000-0000-0000-0000000000c1');
update runtime.backtest_runs set metrics_json = '{"progress": 0.5}' where run_id = '00000000-0000-0000-0000-0000000000c1';

-- TEST: the points of the range, in date order, with the run, its job and progress
select is((select array_agg(p) from core.run_chunk_committed('00000000-0000-0000-0000-0000000000c1', '2023-01-01', '2023-01-31') p),
          array[jsonb_build_object('type', 'chunk', 'run_id', '00000000-0000-0000-0000-0000000000c1', 'job_id', pg_temp.job_of('CHUNK_A'),
                                   'from', '2023-01-01', 'through', '2023-01-31', 'progress', 0.5, 'part', 1, 'parts', 1,
                                   'points', '[["2023-01-03", 1000000], ["2023-01-04", 1001000]]'::jsonb)],
          'one event with the chunk''s equity points as [date, equity], its run, job and progress');
select is((select count(*)::int from core.run_chunk_committed('00000000-0000-0000-0000-0000000000c1', '2023-01-04', '2023-01-04')), 1,
          'a one-day range is one event');
select is((select p -> 'points' from core.run_chunk_committed('00000000-0000-0000-0000-0000000000c1', '2023-01-04', '2023-01-04') p),
          '[["2023-01-04", 1001000]]'::jsonb, 'and holds only the points of its range');
select is((select count(*)::int from core.run_chunk_committed('00000000-0000-0000-0000-0000000000c1', '2024-01-01', '2024-01-31')), 0,
          'a range without points sends nothing');

-- TEST: a long chunk is split, every payload far under NOTIFY's 8000 bytes, the points kept whole and exact
insert into runtime.backtest_daily_equity (run_id, as_of_date, equity, cash, gross_exposure, net_exposure, daily_return)
select '00000000-0000-0000-0000-0000000000c1', d::date, 1234567.891234567 + i * 1.000000001, 1, 1, 1, 0
  from generate_series(1, 400) i, lateral (select date '2024-01-01' + i) x(d);
select is((select array_agg((p ->> 'part') || '/' || (p ->> 'parts') order by (p ->> 'part')::int)
             from core.run_chunk_committed('00000000-0000-0000-0000-0000000000c1', '2024-01-01', '2025-12-31') p),
          array['1/3', '2/3', '3/3'], '400 points go out in three parts of at most 150');
select ok((select bool_and(octet_length(p::text) < 7000) from core.run_chunk_committed('00000000-0000-0000-0000-0000000000c1', '2024-01-01', '2025-12-31') p),
          'each part stays under 7000 bytes');
select results_eq($$select (x ->> 0)::date, (x ->> 1)::float8
                      from core.run_chunk_committed('00000000-0000-0000-0000-0000000000c1', '2024-01-01', '2025-12-31') p,
                           jsonb_array_elements(p -> 'points') x$$,
                  $$select as_of_date, equity from runtime.backtest_daily_equity
                     where run_id = '00000000-0000-0000-0000-0000000000c1' and as_of_date >= '2024-01-01' order by as_of_date$$,
                  'the parts together hold exactly the stored equity points, in order');

-- TEST: refusals
select throws_ok('select core.run_chunk_committed(''00000000-0000-0000-0000-0000000000ff'', ''2023-01-01'', ''2023-01-02'')',
                 'PT404', null, 'an unknown run is PT404');

select * from finish();
rollback;
