-- api.risk_reports: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'risk_reports', 'api.risk_reports exists');
select ok(obj_description('api.risk_reports'::regclass, 'pg_class') is not null, 'api.risk_reports has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.risk_reports', 'select'), 'web_anon may read api.risk_reports');
select is((select count(*)::int from api.risk_reports), 0, 'api.risk_reports returns no rows on an empty database');

select * from finish();
rollback;
