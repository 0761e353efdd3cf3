-- pit.prices_daily: bars dated strictly before the decision date in prometheus.as_of; none when it is not set.
begin;
select plan(3);

-- SETUP: one instrument with bars on 2021-01-04 .. 2021-01-06
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD') on conflict do nothing;
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar, first_date, last_date)
values ('TSTA', 'US_EQ', 'TSTA', 'Test A', 'Industrials', 'USD', 'XNYS', '2021-01-04', '2021-01-06') on conflict do nothing;
insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
values ('TSTA', '2021-01-04', 10, 10, 10, 10, 10, 100), ('TSTA', '2021-01-05', 11, 11, 11, 11, 11, 100),
       ('TSTA', '2021-01-06', 12, 12, 12, 12, 12, 100);

-- TEST: nothing without a decision date; only earlier bars with one
select is((select count(*)::int from pit.prices_daily), 0, 'no rows when no decision date is set');
select set_config('prometheus.as_of', '2021-01-06', true);
select is((select max(trade_date) from pit.prices_daily), '2021-01-05'::date, 'the last visible bar is the session before');
select is((select count(*)::int from pit.prices_daily where trade_date >= '2021-01-06'), 0, 'nothing on or after the decision date');

select * from finish();
rollback;
