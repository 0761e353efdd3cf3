-- api.regime_history: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'regime_history', 'api.regime_history exists');
select ok(obj_description('api.regime_history'::regclass, 'pg_class') is not null, 'api.regime_history has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.regime_history', 'select'), 'web_anon may read api.regime_history');
select is((select count(*)::int from api.regime_history), 0, 'api.regime_history returns no rows on an empty database');

select * from finish();
rollback;
