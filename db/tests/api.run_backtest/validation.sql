-- api.run_backtest: bad input is refused with the SQLSTATE PostgREST maps to a 4xx, and nothing is queued.
begin;
select plan(10);

\ir ../fixtures/jobs_api.psql

-- TEST: validation, each with the SQLSTATE PostgREST maps to a 4xx
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest(null, '2020-06-01', '2020-12-31')$$), '22023', 'a missing strategy_id is 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-12-31', '2020-06-01')$$), '22023', 'end before start is 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('NO_SUCH', '2020-06-01', '2020-12-31')$$), 'PT404', 'an unknown strategy is PT404 (404)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{XX_NONE}')$$), 'PT404', 'an unknown market is PT404 (404)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ,EMPTY_MKT}')$$), '22023', 'two markets are 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{EMPTY_MKT}')$$), '22023', 'a market without data is 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2019-01-01', '2020-12-31')$$), '22023', 'dates outside the loaded data are 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '[1]')$$), '22023', 'config_overrides that are not an object are 22023 (400)');
select is(pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{}', 'bad id; drop')$$), '22023', 'a malformed portfolio_id is 22023 (400)');
select is((select count(*)::int from runtime.jobs), 0, 'refused submissions leave no job behind');

select * from finish();
rollback;
