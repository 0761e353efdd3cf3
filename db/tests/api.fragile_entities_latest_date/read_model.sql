-- api.fragile_entities_latest_date: one row, null on an empty database.
begin;
select plan(3);

select has_view('api', 'fragile_entities_latest_date', 'api.fragile_entities_latest_date exists');
select ok(has_table_privilege('web_anon', 'api.fragile_entities_latest_date', 'select'), 'web_anon may read it');
select is((select as_of_date from api.fragile_entities_latest_date), null, 'it is one null row on an empty database');

select * from finish();
rollback;
