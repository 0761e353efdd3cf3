-- api.fragile_entities: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'fragile_entities', 'api.fragile_entities exists');
select ok(obj_description('api.fragile_entities'::regclass, 'pg_class') is not null, 'api.fragile_entities has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.fragile_entities', 'select'), 'web_anon may read api.fragile_entities');
select is((select count(*)::int from api.fragile_entities), 0, 'api.fragile_entities returns no rows on an empty database');

select * from finish();
rollback;
