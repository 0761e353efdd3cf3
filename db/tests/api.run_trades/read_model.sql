-- api.run_trades: exists, is documented, is readable by web_anon, is empty (not an error) on an empty database,
-- and shows a run's trades under the seed's names (as_of_date, instrument_id, side, quantity, pnl).
begin;
select plan(5);

select has_view('api', 'run_trades', 'api.run_trades exists');
select ok(obj_description('api.run_trades'::regclass, 'pg_class') is not null, 'api.run_trades has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.run_trades', 'select'), 'web_anon may read api.run_trades');
select is((select count(*)::int from api.run_trades), 0, 'api.run_trades returns no rows on an empty database');

-- SETUP: a run with a buy and a sell
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('TST_EQ', 'Test market', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('TSTA', 'TST_EQ', 'TSTA', 'Test A', 'Energy', 'USD', 'XNYS');
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids, sleeve_id)
values ('00000000-0000-0000-0000-0000000000e2', 'T', '{}', '2023-01-01', '2023-01-31', '{TST_EQ}', 'T');
insert into runtime.backtest_trades (trade_id, run_id, strategy_id, sleeve_id, as_of_date, instrument_id, side, quantity, price, pnl, commission, config_snapshot)
values (4294967297, '00000000-0000-0000-0000-0000000000e2', 'T', 'T', '2023-01-03', 'TSTA', 'BUY', 100, 10, -1, 1, '{"strategy_id": "T"}'),
       (4294967298, '00000000-0000-0000-0000-0000000000e2', 'T', 'T', '2023-01-05', 'TSTA', 'SELL', 100, 11, 99, 1, '{"strategy_id": "T"}');

-- TEST
select results_eq($$select as_of_date, instrument_id, side, quantity, pnl, notional, gics_sector from api.run_trades
                     where run_id = '00000000-0000-0000-0000-0000000000e2' order by as_of_date$$,
                  $$values ('2023-01-03'::date, 'TSTA', 'BUY', 100::float8, -1::float8, 1000::float8, 'Energy'),
                           ('2023-01-05', 'TSTA', 'SELL', 100, 99, 1100, 'Energy')$$,
                  'the trades read as_of_date, instrument_id, side, quantity and pnl from runtime.backtest_trades');

select * from finish();
rollback;
