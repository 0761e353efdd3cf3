-- operator, the JWT role of the console: reads like web_anon, no direct table access.
begin;
select plan(5);

select ok(pg_has_role('operator', 'web_anon', 'member'), 'operator inherits web_anon''s reads');
select ok(has_schema_privilege('operator', 'api', 'usage'), 'operator may use api');
select ok(not has_schema_privilege('operator', 'runtime', 'usage'), 'operator may not use runtime directly');
select ok(not has_schema_privilege('operator', 'hist', 'usage'), 'operator may not use hist directly');
select is((select count(*)::int from pg_class c where c.relkind = 'r' and c.relnamespace in ('hist'::regnamespace, 'runtime'::regnamespace)
            and has_table_privilege('operator', c.oid, 'insert')), 0,
          'operator cannot insert into any table');

select * from finish();
rollback;
