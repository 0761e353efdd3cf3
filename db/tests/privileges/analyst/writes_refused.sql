-- The analyst reads and never writes: every INSERT, UPDATE, DELETE or DDL is refused (42501 without the privilege;
-- 25006 in the read-only transactions the role's sessions run).
begin;
select plan(9);

-- SETUP
\ir ../../fixtures/analyst.psql

-- TEST
select ok(pg_temp.analyst_sqlstate($$insert into backtest_runs (strategy_id, config_json, start_date, end_date, market_ids)
                                     values ('X', '{}', '2023-01-01', '2023-01-02', '{US_EQ}')$$) in ('42501', '25006'),
          'the analyst may not insert a run');
select ok(pg_temp.analyst_sqlstate($$update backtest_runs set status = 'FAILED', error = 'x'$$) in ('42501', '25006'),
          'the analyst may not update runs');
select ok(pg_temp.analyst_sqlstate($$delete from backtest_trades$$) in ('42501', '25006'), 'the analyst may not delete trades');
select ok(pg_temp.analyst_sqlstate($$delete from positions_snapshots where portfolio_id = 'MAIN'$$) in ('42501', '25006'),
          'the analyst may not delete positions');
select ok(pg_temp.analyst_sqlstate($$insert into hist.prices_daily values ('TSTA', '2023-01-03', 10, 11, 9, 10.5, 10.4, 1000)$$) in ('42501', '25006'),
          'the analyst may not write market history');
select ok(pg_temp.analyst_sqlstate($$truncate runtime.jobs$$) in ('42501', '25006'), 'the analyst may not truncate a table');
select ok(pg_temp.analyst_sqlstate($$create table runtime.scratch (x int)$$) in ('42501', '25006'), 'the analyst may not create tables');
select is(pg_temp.analyst_sqlstate($$select count(*) from hist.instruments$$), 'OK', 'the analyst may read hist (unqualified names work too)');
select is((select count(*)::int from runtime.backtest_runs), 2, 'nothing the analyst tried changed anything');

select * from finish();
rollback;
