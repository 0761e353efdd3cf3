-- web_anon, the anonymous HTTP reader: the api schema and nothing else.
begin;
select plan(7);

select ok(has_schema_privilege('web_anon', 'api', 'usage'), 'web_anon may use api');
select ok(not has_schema_privilege('web_anon', 'hist', 'usage'), 'web_anon may not use hist');
select ok(not has_schema_privilege('web_anon', 'runtime', 'usage'), 'web_anon may not use runtime');
select ok(not has_schema_privilege('web_anon', 'core', 'usage'), 'web_anon may not use core');
select is((select count(*)::int from pg_class c where c.relkind = 'r' and c.relnamespace in ('hist'::regnamespace, 'runtime'::regnamespace)
            and (has_table_privilege('web_anon', c.oid, 'select')
              or has_table_privilege('web_anon', c.oid, 'insert'))), 0,
          'web_anon has no privilege on any hist or runtime table');
select is((select count(*)::int from pg_class c where c.relnamespace = 'api'::regnamespace and c.relkind = 'v'
            and not has_table_privilege('web_anon', c.oid, 'select')), 0, 'web_anon may read every api view');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'core'::regnamespace
            and has_function_privilege('web_anon', p.oid, 'execute')), 0, 'web_anon may execute no core function');

select * from finish();
rollback;
