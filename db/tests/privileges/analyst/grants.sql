-- analyst, the read-only psql login: reads hist, runtime and api; writes nothing; finds the seed's unqualified names.
begin;
select plan(14);

-- TEST: the role
select ok((select rolcanlogin from pg_roles where rolname = 'analyst'), 'analyst may log in');
select is((select rolsuper or rolcreaterole or rolcreatedb or rolbypassrls from pg_roles where rolname = 'analyst'), false,
          'analyst is no superuser, creates no roles or databases and bypasses no row security');
select ok(exists(select from pg_db_role_setting s, unnest(s.setconfig) c
                  where s.setrole = 'analyst'::regrole and s.setdatabase = 0 and c = 'default_transaction_read_only=on'),
          'every analyst session is read-only by default');
select ok(exists(select from pg_db_role_setting s, unnest(s.setconfig) c
                  where s.setrole = 'analyst'::regrole and s.setdatabase = 0 and c = 'search_path=runtime, hist, api, public'),
          'the analyst''s search path is runtime, hist, api, public: runtime before api, whose views share table names');
select ok(exists(select from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase, unnest(s.setconfig) c
                  where d.datname = current_database() and s.setrole = 0
                    and c = 'search_path="$user", runtime, hist, api, public'),
          'the database''s own search path resolves the seed''s unqualified names for every role');

-- TEST: what it may read
select ok(has_schema_privilege('analyst', 'hist', 'usage') and has_schema_privilege('analyst', 'runtime', 'usage')
          and has_schema_privilege('analyst', 'api', 'usage'), 'analyst may use hist, runtime and api');
select is((select count(*)::int from pg_class c where c.relkind in ('r', 'v', 'm', 'p')
            and c.relnamespace in ('hist'::regnamespace, 'runtime'::regnamespace, 'api'::regnamespace)
            and not has_table_privilege('analyst', c.oid, 'select')), 0,
          'analyst may read every table and view of hist, runtime and api');
select ok(exists(select from pg_default_acl d, aclexplode(d.defaclacl) a
                  where d.defaclnamespace = 'runtime'::regnamespace and d.defaclobjtype = 'r'
                    and a.grantee = 'analyst'::regrole and a.privilege_type = 'SELECT'),
          'tables created later in runtime are readable by analyst too (default privileges)');
select ok(has_function_privilege('analyst', 'api.diagnostics(text)', 'execute'), 'analyst may read a strategy''s diagnostics');

-- TEST: what it may not do
select is((select count(*)::int from pg_class c, unnest(array['insert', 'update', 'delete', 'truncate']) p
            where c.relkind = 'r' and c.relnamespace in ('hist'::regnamespace, 'runtime'::regnamespace, 'public'::regnamespace)
              and has_table_privilege('analyst', c.oid, p)), 0,
          'analyst may change no table of hist, runtime or public');
select is((select count(*)::int from unnest(array['hist', 'runtime', 'core', 'api', 'public']) s
            where has_schema_privilege('analyst', s, 'create')), 0, 'analyst may create nothing in any schema');
select ok(not has_schema_privilege('analyst', 'core', 'usage'), 'analyst may not use core');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'api'::regnamespace and p.proname <> 'diagnostics'
            and has_function_privilege('analyst', p.oid, 'execute')), 0,
          'analyst may call no api function that changes something (run_backtest, cancel_job, proposals)');
select ok(not pg_has_role('analyst', 'operator', 'usage') and not pg_has_role('analyst', 'pycore_writer', 'usage'),
          'analyst holds neither the operator''s nor the writer''s rights');

select * from finish();
rollback;
