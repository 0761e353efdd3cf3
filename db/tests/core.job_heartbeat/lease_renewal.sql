-- core.job_heartbeat: a live worker renews the leases of the jobs it runs, and learns which it lost.
begin;
select plan(7);

\ir ../fixtures/jobs.psql

-- TEST: the function, and who may call it
select has_function('core', 'job_heartbeat', array['text', 'bigint[]', 'double precision'], 'core.job_heartbeat exists');
select ok(has_function_privilege('pycore_writer', 'core.job_heartbeat(text, bigint[], double precision)', 'execute')
          and not has_function_privilege('web_anon', 'core.job_heartbeat(text, bigint[], double precision)', 'execute'),
          'pycore_writer may renew leases, web_anon may not');

-- SETUP: two jobs running under host:1, one under host:2, one pending; every lease expired
select pg_temp.new_job('BEAT_A'), pg_temp.new_job('BEAT_B'), pg_temp.new_job('BEAT_C'), pg_temp.new_job('BEAT_D');
select core.job_start(pg_temp.job_of('BEAT_A'), 'host:1'), core.job_start(pg_temp.job_of('BEAT_B'), 'host:1'),
       core.job_start(pg_temp.job_of('BEAT_C'), 'host:2');
update runtime.jobs set lease_expires_at = now() - interval '1 second' where status = 'RUNNING';

-- TEST
select is(core.job_heartbeat('host:1', array[pg_temp.job_of('BEAT_A'), pg_temp.job_of('BEAT_B'), pg_temp.job_of('BEAT_C'), pg_temp.job_of('BEAT_D')], 12),
          array[pg_temp.job_of('BEAT_C'), pg_temp.job_of('BEAT_D')],
          'the heartbeat returns the jobs the worker does not run (another worker''s, a pending one)');
select is((select count(*)::int from runtime.jobs where worker = 'host:1' and lease_expires_at = now() + interval '12 seconds'), 2,
          'the leases of the worker''s own jobs are renewed');
select ok((select lease_expires_at < now() from runtime.jobs where job_id = pg_temp.job_of('BEAT_C')),
          'the lease of another worker''s job is left to expire');
select is(core.job_heartbeat('host:1', '{}'), '{}'::bigint[], 'a heartbeat with no job renews nothing and loses nothing');
select throws_ok('select core.job_heartbeat('''', ''{}'')', '22023', null, 'a heartbeat without a worker name is refused with 22023');

select * from finish();
rollback;
