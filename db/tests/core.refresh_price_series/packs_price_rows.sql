-- core.refresh_price_series: each instrument's price rows packed in date order, one value per row and column.
begin;
select plan(4);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('AAA', 'US_EQ', 'AAA', 'A', 'Tech', 'USD', 'XNYS'), ('BBB', 'US_EQ', 'BBB', 'B', 'Tech', 'USD', 'XNYS');
-- inserted out of date order on purpose
insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
values ('AAA', '2024-01-31', 12, 13, 11, 12.5, 12.25, 300), ('AAA', '2024-01-29', 10, 11, 9, 10.5, 10.25, 100),
       ('AAA', '2024-01-30', 11, 12, 10, 11.5, 11.25, 200), ('BBB', '2024-01-30', 5, 6, 4, 5.5, 5.25, 50);

select is(core.refresh_price_series(true), 2, 'a build packs every instrument');
select results_eq(
  $$select n_rows, first_date, last_date from hist.price_series order by instrument_id$$,
  $$values (3, date '2024-01-29', date '2024-01-31'), (1, date '2024-01-30', date '2024-01-30')$$,
  'each row counts and bounds its instrument''s price rows');
-- unpack value k of each column with get_bytes: big-endian int4 days and float8 bits
create temp table unpacked as
select s.instrument_id, k,
       date '2000-01-01' + ((get_byte(s.trade_dates, 4 * k) << 24) | (get_byte(s.trade_dates, 4 * k + 1) << 16)
                            | (get_byte(s.trade_dates, 4 * k + 2) << 8) | get_byte(s.trade_dates, 4 * k + 3)) as trade_date,
       substr(s.open, 8 * k + 1, 8) as open, substr(s.adjusted_close, 8 * k + 1, 8) as adjusted_close,
       substr(s.volume, 8 * k + 1, 8) as volume
  from hist.price_series s cross join lateral generate_series(0, s.n_rows - 1) k;
select results_eq(
  $$select instrument_id, trade_date from unpacked order by instrument_id, k$$,
  $$select instrument_id, trade_date from hist.prices_daily order by instrument_id, trade_date$$,
  'the dates are packed in date order');
select results_eq(
  $$select u.open, u.adjusted_close, u.volume from unpacked u order by u.instrument_id, u.k$$,
  $$select float8send(p.open), float8send(p.adjusted_close), float8send(p.volume::float8) from hist.prices_daily p order by p.instrument_id, p.trade_date$$,
  'value k of each column is the k-th row''s value as big-endian float8');

select * from finish();
rollback;
