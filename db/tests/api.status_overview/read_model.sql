-- api.status_overview: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'status_overview', 'api.status_overview exists');
select ok(obj_description('api.status_overview'::regclass, 'pg_class') is not null, 'api.status_overview has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.status_overview', 'select'), 'web_anon may read api.status_overview');
select is((select count(*)::int from api.status_overview), 0, 'api.status_overview returns no rows on an empty database');

select * from finish();
rollback;
