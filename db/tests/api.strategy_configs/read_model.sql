-- api.strategy_configs: exists and is readable by web_anon.
begin;
select plan(2);

\ir ../fixtures/proposals.psql

select has_view('api', 'strategy_configs', 'api.strategy_configs exists');
select ok(has_table_privilege('web_anon', 'api.strategy_configs', 'select'), 'web_anon may read strategy configs');

select * from finish();
rollback;
