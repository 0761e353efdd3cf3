-- api.stability_history: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'stability_history', 'api.stability_history exists');
select ok(obj_description('api.stability_history'::regclass, 'pg_class') is not null, 'api.stability_history has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.stability_history', 'select'), 'web_anon may read api.stability_history');
select is((select count(*)::int from api.stability_history), 0, 'api.stability_history returns no rows on an empty database');

select * from finish();
rollback;
