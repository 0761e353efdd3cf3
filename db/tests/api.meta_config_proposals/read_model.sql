-- api.meta_config_proposals: exists and is readable by web_anon.
begin;
select plan(2);

\ir ../fixtures/proposals.psql

select has_view('api', 'meta_config_proposals', 'api.meta_config_proposals exists');
select ok(has_table_privilege('web_anon', 'api.meta_config_proposals', 'select'), 'web_anon may read proposals');

select * from finish();
rollback;
