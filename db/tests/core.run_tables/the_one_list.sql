-- core.run_tables: the one list of the tables a run writes rows to, in SQL; complete, and every table keyed by run.
begin;
select plan(4);

-- TEST: the function, and who may call it
select has_function('core', 'run_tables', array[]::name[], 'core.run_tables() exists');
select ok(not has_function_privilege('web_anon', 'core.run_tables()', 'execute')
          and not has_function_privilege('operator', 'core.run_tables()', 'execute'),
          'web_anon and operator may not call core.run_tables');

-- TEST: the list is complete: every runtime table whose run_id refers to a run is in it, except the run itself and
-- the tables that only point at a run (jobs, meta-layer proposals); the bulk-loaded tables check their run per statement
select set_eq($$select unnest(core.run_tables())::oid$$,
              $$select distinct c.conrelid::oid from pg_constraint c
                 where c.contype = 'f' and c.confrelid = 'runtime.backtest_runs'::regclass
                   and c.conrelid not in ('runtime.jobs'::regclass, 'runtime.meta_config_proposals'::regclass)
                union
                select t.tgrelid::oid from pg_trigger t where t.tgfoid = 'core.check_run_rows'::regproc$$,
              'core.run_tables() lists every runtime table whose rows refer to a run, by a foreign key or by the bulk tables'' check core.check_run_rows (but jobs and proposals)');
select is((select count(*)::int from unnest(core.run_tables()) t
            where not exists (select 1 from pg_attribute a where a.attrelid = t and a.attname = 'run_id' and not a.attisdropped)), 0,
          'every table of the list has a run_id column');

select * from finish();
rollback;
