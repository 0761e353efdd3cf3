-- core.purge_run: removing a run's rows (from the tables of core.run_tables()) removes exactly that run's rows.
begin;
select plan(7);

\ir ../fixtures/jobs.psql

-- TEST: the functions, and who may call them
select has_function('core', 'purge_run', array['uuid'], 'core.purge_run(run_id) exists');
select ok(has_function_privilege('pycore_writer', 'core.purge_run(uuid)', 'execute')
          and has_function_privilege('pycore_writer', 'core.run_tables()', 'execute'),
          'pycore_writer (the core and the workers) may call core.purge_run and core.run_tables');
select ok(not has_function_privilege('web_anon', 'core.purge_run(uuid)', 'execute')
          and not has_function_privilege('operator', 'core.purge_run(uuid)', 'execute')
          and not has_function_privilege('authenticator', 'core.purge_run(uuid)', 'execute'),
          'web_anon, operator and authenticator may not purge a run');

-- SETUP: two runs with rows
select pg_temp.new_run('00000000-0000-0000-0000-0000000000a1');
select pg_temp.new_run('00000000-0000-0000-0000-0000000000a2');

-- TEST: purging one run removes its rows and only its rows; the run row stays
select is(core.purge_run('00000000-0000-0000-0000-0000000000a1'), 5::bigint, 'purge_run returns the number of rows it removed');
select is(pg_temp.rows_of('00000000-0000-0000-0000-0000000000a1'), 0::bigint, 'the purged run has no rows left in any of its tables');
select ok(pg_temp.rows_of('00000000-0000-0000-0000-0000000000a2') = 5
          and exists (select 1 from runtime.backtest_runs where run_id = '00000000-0000-0000-0000-0000000000a1'),
          'the other run keeps its rows, and the purged run''s own row stays');
select throws_ok($$select core.purge_run(null)$$, '22023', null, 'purging without a run id is refused with 22023');

select * from finish();
rollback;
