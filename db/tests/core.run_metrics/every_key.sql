-- core.run_metrics: every key metrics_json holds (what the run service stores), undefined values as null, and a run
-- without days.
begin;
select plan(10);

-- SETUP: a run of three sessions (+1%, -2%, +3%) from 100, a buy and two sells (one winning), two rebalances; a run of
-- one session without a sell; a registered run without days yet
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD') on conflict do nothing;
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('TSTA', 'US_EQ', 'TSTA', 'Test A', 'Energy', 'USD', 'XNYS') on conflict do nothing;
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids)
values ('00000000-0000-0000-0000-0000000000a3', 'T', '{"initial_capital": 100.0}', '2023-01-01', '2023-01-31', '{US_EQ}'),
       ('00000000-0000-0000-0000-0000000000a4', 'T', '{"initial_capital": 50.0}', '2023-01-01', '2023-01-31', '{US_EQ}'),
       ('00000000-0000-0000-0000-0000000000a5', 'T', '{"initial_capital": 70.0}', '2023-01-01', '2023-01-31', '{US_EQ}');
insert into runtime.backtest_daily_equity (run_id, as_of_date, equity, drawdown, cash, gross_exposure, net_exposure, daily_return)
values ('00000000-0000-0000-0000-0000000000a3', '2023-01-03', 101, 0, 101, 0, 0, 0.01),
       ('00000000-0000-0000-0000-0000000000a3', '2023-01-04', 98.98, -0.02, 98.98, 0, 0, -0.02),
       ('00000000-0000-0000-0000-0000000000a3', '2023-01-05', 101.9494, 0, 101.9494, 0, 0, 0.03),
       ('00000000-0000-0000-0000-0000000000a4', '2023-01-03', 51, 0, 51, 0, 0, 0.02);
insert into runtime.backtest_trades (trade_id, run_id, strategy_id, as_of_date, instrument_id, side, quantity, price, pnl, commission, config_snapshot)
values (4294967297, '00000000-0000-0000-0000-0000000000a3', 'T', '2023-01-03', 'TSTA', 'BUY', 1, 10, 0, 0, '{}'),
       (4294967298, '00000000-0000-0000-0000-0000000000a3', 'T', '2023-01-04', 'TSTA', 'SELL', 1, 12, 2, 0, '{}'),
       (4294967299, '00000000-0000-0000-0000-0000000000a3', 'T', '2023-01-05', 'TSTA', 'SELL', 2, 9, -1, 0, '{}'),
       (4294967300, '00000000-0000-0000-0000-0000000000a4', 'T', '2023-01-03', 'TSTA', 'BUY', 1, 10, 0, 0, '{}');
insert into runtime.engine_decisions (decision_id, engine_name, run_id, as_of_date)
values (4294967297, 'PORTFOLIO', '00000000-0000-0000-0000-0000000000a3', '2023-01-03'),
       (4294967298, 'PORTFOLIO', '00000000-0000-0000-0000-0000000000a3', '2023-01-04'),
       (4294967299, 'ASSESSMENT', '00000000-0000-0000-0000-0000000000a3', '2023-01-04');
create temp table m as select core.run_metrics('00000000-0000-0000-0000-0000000000a3') as m;

-- TEST: the keys
select is((select array_agg(k order by k) from m, jsonb_object_keys(m.m) k),
          array['annual_turnover', 'annual_volatility', 'annualized_return', 'annualized_volatility', 'cagr', 'calmar_ratio',
                'closing_trades', 'cumulative_return', 'days', 'final_equity', 'hit_rate', 'initial_capital', 'max_drawdown',
                'rebalances', 'sharpe_ratio', 'sortino_ratio', 'trade_count'],
          'every key the run service stores as metrics_json');
-- TEST: the values, by their definitions
select is((select round((m ->> 'cagr')::numeric, 10) from m), round((power(1.01 * 0.98 * 1.03, 252.0 / 3) - 1)::numeric, 10),
          'CAGR = wealth^(252/days) - 1');
select ok((select m -> 'cagr' = m -> 'annualized_return' and m -> 'annual_volatility' = m -> 'annualized_volatility' from m),
          'annualized_return is the CAGR, annualized_volatility the annual volatility');
select is((select round((m ->> 'calmar_ratio')::numeric, 10) from m), round(((power(1.01 * 0.98 * 1.03, 252.0 / 3) - 1) / 0.02)::numeric, 10),
          'Calmar = CAGR / |max drawdown|');
select is((select round((m ->> 'annual_turnover')::numeric, 10) from m),
          round((40 / 2.0 / ((101 + 98.98 + 101.9494) / 3) / (3 / 252.0))::numeric, 10),
          'annual turnover = traded value / 2 / mean equity / years');
select results_eq($$select (m ->> 'trade_count')::int, (m ->> 'closing_trades')::int, (m ->> 'hit_rate')::float8,
                           (m ->> 'final_equity')::float8, (m ->> 'initial_capital')::float8, (m ->> 'rebalances')::int from m$$,
                  $$values (3, 2, 0.5::float8, 101.9494::float8, 100::float8, 2)$$,
                  'trades, SELL trades, the hit rate (winning SELLs / SELLs), final equity, initial capital and rebalances (portfolio decisions)');
-- TEST: one day: no volatility, no Sharpe; no SELL: no hit rate; the keys stay, as null
select results_eq($$select m -> 'annual_volatility', m -> 'sharpe_ratio', m -> 'hit_rate', m -> 'sortino_ratio', (m ->> 'days')::int,
                           (m ->> 'closing_trades')::int
                      from (select core.run_metrics('00000000-0000-0000-0000-0000000000a4') as m) x$$,
                  $$values ('null'::jsonb, 'null'::jsonb, 'null'::jsonb, 'null'::jsonb, 1, 0)$$,
                  'undefined values are null: one day has no volatility or Sharpe, no losing day no Sortino, no SELL no hit rate');
select is((select round((m ->> 'cumulative_return')::numeric, 12) from (select core.run_metrics('00000000-0000-0000-0000-0000000000a4') as m) x),
          0.02, 'a one-day run still has its return');
-- TEST: a registered run without days yet
select is(core.run_metrics('00000000-0000-0000-0000-0000000000a5'),
          '{"days": 0, "trade_count": 0, "final_equity": 70.0, "initial_capital": 70.0, "rebalances": 0}'::jsonb,
          'a run without days: days 0, no trades, final equity = initial capital');
select is(core.run_metrics(null), '{}'::jsonb, 'no run: {}');

select * from finish();
rollback;
