-- The database refuses invalid rows by constraint.
begin;
select plan(19);

-- SETUP
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('TST_EQ', 'Test market', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('TSTA', 'TST_EQ', 'TSTA', 'Test A', 'Energy', 'USD', 'XNYS');
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids)
values ('00000000-0000-0000-0000-000000000001', 'TST', '{}', '2023-01-01', '2023-12-31', '{TST_EQ}');

-- TEST: hist prices
select throws_ok($$insert into hist.prices_daily values ('TSTA', '2023-01-03', -1, 1, 1, 1, 1, 1)$$, '23514', null, 'a negative price is refused');
select throws_ok($$insert into hist.prices_daily values ('TSTA', '2023-01-03', 1, 1, 2, 1, 1, 1)$$, '23514', null, 'a bar with low above high is refused');
select throws_ok($$insert into hist.prices_daily values ('TSTA', '2023-01-03', 1, 1, 1, 1, 1, -5)$$, '23514', null, 'a negative volume is refused');
select throws_ok($$insert into hist.prices_daily values ('NOPE', '2023-01-03', 1, 1, 1, 1, 1, 1)$$, '23503', null, 'a price of an unknown instrument is refused');
select lives_ok($$insert into hist.prices_daily values ('TSTA', '2023-01-03', 10, 11, 9, 10.5, 10.4, 1000)$$, 'a consistent bar is accepted');
select throws_ok($$insert into hist.prices_daily values ('TSTA', '2023-01-03', 10, 11, 9, 10.5, 10.4, 1000)$$, '23505', null, 'a second bar for the same day is refused');
select throws_ok($$insert into hist.corporate_actions values ('TSTA', '2023-01-03', 0, 1)$$, '23514', null, 'an action with neither dividend nor split is refused');
select throws_ok($$insert into hist.factor_returns_daily values ('FF3', '2023-01-03', 0, 0, 0, 0.1, 0.1, 0)$$, '23514', null, 'FF3 rows carry no rmw/cma');

-- TEST: runtime rows
select throws_ok($$insert into runtime.orders (order_id, timestamp, instrument_id, side, order_type, quantity, status, run_id, trade_date)
                  values (4294967297, now(), 'TSTA', 'HOLD', 'MARKET', 1, 'NEW', '00000000-0000-0000-0000-000000000001', '2023-01-03')$$,
                 '23514', null, 'an order side other than BUY/SELL is refused');
select throws_ok($$insert into runtime.orders (order_id, timestamp, instrument_id, side, order_type, quantity, status, run_id, trade_date)
                  values (4294967297, now(), 'TSTA', 'BUY', 'MARKET', 0, 'NEW', '00000000-0000-0000-0000-000000000001', '2023-01-03')$$,
                 '23514', null, 'a zero quantity is refused');
select throws_ok($$insert into runtime.orders (order_id, timestamp, instrument_id, side, order_type, quantity, status, run_id, trade_date, mode)
                  values (4294967297, now(), 'TSTA', 'BUY', 'MARKET', 1, 'NEW', '00000000-0000-0000-0000-000000000001', '2023-01-03', 'SIM')$$,
                 '23514', null, 'a mode other than BACKTEST/PAPER/LIVE is refused');
select throws_ok($$insert into runtime.orders (order_id, timestamp, instrument_id, side, order_type, quantity, status, run_id, trade_date)
                  values (12, now(), 'TSTA', 'BUY', 'MARKET', 1, 'NEW', '00000000-0000-0000-0000-000000000001', '2023-01-03')$$,
                 '23514', null, 'a row id outside the run id space is refused');
select throws_ok($$insert into runtime.orders (order_id, timestamp, instrument_id, side, order_type, quantity, status, run_id, trade_date)
                  values (4294967297, now(), 'TSTA', 'BUY', 'MARKET', 1, 'NEW', '00000000-0000-0000-0000-000000000009', '2023-01-03')$$,
                 '23503', null, 'an order of an unknown run is refused');
select throws_ok($$insert into runtime.backtest_daily_equity (run_id, as_of_date, equity, drawdown, cash, gross_exposure, net_exposure, daily_return)
                  values ('00000000-0000-0000-0000-000000000001', '2023-01-03', 100, 0.5, 0, 0, 0, 0)$$,
                 '23514', null, 'a positive drawdown is refused');
select throws_ok($$insert into runtime.backtest_trades (trade_id, run_id, strategy_id, as_of_date, instrument_id, side, quantity, price, pnl)
                  values (4294967297, '00000000-0000-0000-0000-000000000001', 'TST', '2023-01-03', 'TSTA', 'HOLD', 1, 10, 0)$$,
                 '23514', null, 'a trade side other than BUY/SELL is refused');
select throws_ok($$insert into runtime.backtest_trades (trade_id, run_id, strategy_id, as_of_date, instrument_id, side, quantity, price, pnl, config_snapshot)
                  values (4294967297, '00000000-0000-0000-0000-000000000001', 'TST', '2023-01-03', 'TSTA', 'BUY', 1, 10, 0, '[1]')$$,
                 '23514', null, 'a trade config snapshot that is not a JSON object is refused');
select throws_ok($$insert into runtime.jobs (kind, params, status) values ('BACKTEST', '{}', 'DONE')$$, '23514', null, 'an unknown job status is refused');
select throws_ok($$insert into runtime.jobs (kind, params, status) values ('BACKTEST', '{}', 'DONE')$$, '23514', null,
                 'a job status outside the state machine is refused');
select throws_ok($$insert into runtime.strategy_configs (strategy_id, version, config_json) values ('US_CORE_LONG_EQ', 2, '{}')$$,
                 '23505', null, 'a second active version of a strategy is refused');

select * from finish();
rollback;
