-- core.run_finish: the bulk-loaded run tables have no per-row foreign keys; finishing a run checks them set-based.
begin;
select plan(8);

\ir ../fixtures/jobs.psql

-- SETUP: a running run with an order, its fill and trade, a position and an action, all referring to real things
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('TSTA', 'US_EQ', 'TSTA', 'Test A', 'Energy', 'USD', 'XNYS') on conflict do nothing;
select pg_temp.new_run('00000000-0000-0000-0000-0000000000c1');
create temp table ids as
  select (select decision_id from runtime.engine_decisions where run_id = '00000000-0000-0000-0000-0000000000c1') as decision_id;
insert into runtime.orders (order_id, timestamp, instrument_id, side, order_type, quantity, status, run_id, trade_date,
                            filled_quantity, decision_id)
select 4294967296 + 11, '2023-01-03 14:30+00', 'TSTA', 'BUY', 'MARKET', 10, 'FILLED', '00000000-0000-0000-0000-0000000000c1',
       '2023-01-03', 10, decision_id from ids;
insert into runtime.fills (fill_id, order_id, timestamp, instrument_id, side, quantity, price, run_id, trade_date)
values (4294967296 + 12, 4294967296 + 11, '2023-01-03 21:00+00', 'TSTA', 'BUY', 10, 100, '00000000-0000-0000-0000-0000000000c1', '2023-01-03');
insert into runtime.backtest_trades (trade_id, run_id, strategy_id, as_of_date, instrument_id, side, quantity, price, pnl, fill_id, decision_id)
select 4294967296 + 13, '00000000-0000-0000-0000-0000000000c1', 'US_CORE_LONG_EQ', '2023-01-03', 'TSTA', 'BUY', 10, 100, 0,
       4294967296 + 12, decision_id from ids;
insert into runtime.positions_snapshots (snapshot_id, portfolio_id, timestamp, as_of_date, instrument_id, quantity, avg_cost,
                                         market_value, unrealized_pnl, run_id, last_price, weight)
values (4294967296 + 14, 'P', '2023-01-03 21:00+00', '2023-01-03', 'TSTA', 10, 100, 1000, 0, '00000000-0000-0000-0000-0000000000c1', 100, 0.001);

-- TEST: run_id and instrument_id are checked per statement (core.check_run_rows); the references within the run,
-- which a bulk load cannot check before all its tables are in, are checked by the finish
select throws_ok($$insert into runtime.positions_snapshots (snapshot_id, portfolio_id, timestamp, as_of_date, instrument_id, quantity,
                    avg_cost, market_value, unrealized_pnl, run_id, last_price, weight)
                  values (4294967296 + 15, 'P', '2023-01-04 21:00+00', '2023-01-04', 'NOPE', 1, 1, 1, 0,
                          '00000000-0000-0000-0000-0000000000c1', 1, 0)$$, '23503', null,
                 'a position in an instrument that is not in hist.instruments is refused at insert (23503)');
select throws_ok($$insert into runtime.backtest_daily_equity (run_id, as_of_date, equity, cash, gross_exposure, net_exposure, daily_return)
                  values ('00000000-0000-0000-0000-0000000000c9', '2023-01-05', 1, 1, 0, 0, 0)$$, '23503', null,
                 'an equity row of no run is refused at insert (23503)');
select lives_ok($$update runtime.orders set decision_id = 4294967296 + 999 where order_id = 4294967296 + 11$$,
                'a reference to a decision is not looked up row by row');
select throws_ok($$select core.run_finish('00000000-0000-0000-0000-0000000000c1')$$, '23503', null,
                 'an order of a decision the run did not take stops the finish with 23503');
select is((select status from runtime.backtest_runs where run_id = '00000000-0000-0000-0000-0000000000c1'), 'RUNNING',
          'and the run stays RUNNING');
update runtime.orders set decision_id = (select decision_id from ids) where order_id = 4294967296 + 11;

update runtime.fills set order_id = 4294967296 + 998 where fill_id = 4294967296 + 12;
select throws_ok($$select core.run_finish('00000000-0000-0000-0000-0000000000c1')$$, '23503', null,
                 'a fill of an order the run does not have stops the finish with 23503');
update runtime.fills set order_id = 4294967296 + 11 where fill_id = 4294967296 + 12;

update runtime.backtest_trades set fill_id = 4294967296 + 997 where trade_id = 4294967296 + 13;
select throws_ok($$select core.run_finish('00000000-0000-0000-0000-0000000000c1')$$, '23503', null,
                 'a trade of a fill the run does not have stops the finish with 23503');
update runtime.backtest_trades set fill_id = 4294967296 + 12 where trade_id = 4294967296 + 13;

select is((core.run_finish('00000000-0000-0000-0000-0000000000c1') ->> 'days')::int, 2,
          'with every reference in place the run finishes');

select * from finish();
rollback;
