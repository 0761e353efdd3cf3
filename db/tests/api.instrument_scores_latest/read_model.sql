-- api.instrument_scores_latest: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'instrument_scores_latest', 'api.instrument_scores_latest exists');
select ok(obj_description('api.instrument_scores_latest'::regclass, 'pg_class') is not null, 'api.instrument_scores_latest has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.instrument_scores_latest', 'select'), 'web_anon may read api.instrument_scores_latest');
select is((select count(*)::int from api.instrument_scores_latest), 0, 'api.instrument_scores_latest returns no rows on an empty database');

select * from finish();
rollback;
