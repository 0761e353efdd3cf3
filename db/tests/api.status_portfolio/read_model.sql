-- api.status_portfolio: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'status_portfolio', 'api.status_portfolio exists');
select ok(obj_description('api.status_portfolio'::regclass, 'pg_class') is not null, 'api.status_portfolio has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.status_portfolio', 'select'), 'web_anon may read api.status_portfolio');
select is((select count(*)::int from api.status_portfolio), 0, 'api.status_portfolio returns no rows on an empty database');

select * from finish();
rollback;
