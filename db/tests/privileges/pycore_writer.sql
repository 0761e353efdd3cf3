-- pycore_writer, the core and the workers: read hist, write runtime, never DDL.
begin;
select plan(10);

select ok(has_schema_privilege('pycore_writer', 'hist', 'usage'), 'pycore_writer may use hist');
select is((select count(*)::int from pg_class c where c.relkind = 'r' and c.relnamespace = 'hist'::regnamespace
            and not has_table_privilege('pycore_writer', c.oid, 'select')), 0,
          'pycore_writer may read every hist table');
select is((select count(*)::int from pg_class c, unnest(array['insert', 'update', 'delete', 'truncate']) p
            where c.relkind = 'r' and c.relnamespace = 'hist'::regnamespace and has_table_privilege('pycore_writer', c.oid, p)), 0,
          'pycore_writer may not change hist');
select is((select count(*)::int from pg_class c, unnest(array['select', 'insert', 'update', 'delete']) p
            where c.relkind = 'r' and c.relnamespace = 'runtime'::regnamespace and not has_table_privilege('pycore_writer', c.oid, p)), 0,
          'pycore_writer may select, insert (COPY), update and delete every runtime table');
select is((select count(*)::int from pg_class c
            where c.relkind = 'r' and c.relnamespace = 'runtime'::regnamespace and has_table_privilege('pycore_writer', c.oid, 'truncate')), 0,
          'pycore_writer may not truncate runtime tables');
select is((select count(*)::int from unnest(array['hist', 'runtime', 'core', 'api', 'public']) s
            where has_schema_privilege('pycore_writer', s, 'create')), 0, 'pycore_writer may create nothing in any schema');
select ok(not has_database_privilege('pycore_writer', current_database(), 'create'), 'pycore_writer may not create schemas');
select ok(has_function_privilege('pycore_writer', 'core.run_assessment(uuid, text, text, date[], jsonb)', 'execute'), 'pycore_writer may run the assessment engine');
select ok(has_function_privilege('pycore_writer', 'core.run_universe(uuid, text, text, date[], jsonb)', 'execute'), 'pycore_writer may run the universe engine');
select is((select rolsuper or rolcreaterole or rolcreatedb from pg_roles where rolname = 'pycore_writer'), false, 'pycore_writer is no superuser and creates no roles or databases');

select * from finish();
rollback;
