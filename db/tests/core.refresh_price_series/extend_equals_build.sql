-- core.refresh_price_series: an extension appends only the new sessions and equals a build; core.refresh_features
-- keeps the packed rows in step with the feature rows.
begin;
select plan(4);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('AAA', 'US_EQ', 'AAA', 'A', 'Tech', 'USD', 'XNYS'), ('BBB', 'US_EQ', 'BBB', 'B', 'Tech', 'USD', 'XNYS');
insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
select 'AAA', date '2020-01-01' + k, 10 + k % 7, 11 + k % 7, 9 + k % 7, 10 + k % 7, 10 + k % 5, 100 + k from generate_series(0, 49) k;
select core.refresh_features();
select is((select n_rows from hist.price_series where instrument_id = 'AAA'), 50, 'a refresh of the feature store packs the price rows too');

insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
select 'AAA', date '2020-01-01' + k, 10 + k % 7, 11 + k % 7, 9 + k % 7, 10 + k % 7, 10 + k % 5, 100 + k from generate_series(50, 59) k
union all
select 'BBB', date '2020-01-01' + k, 20, 21, 19, 20, 20, 10 from generate_series(40, 59) k;
select is(core.refresh_price_series(), 2, 'an extension writes the instruments with new rows');
create temp table extended as select * from hist.price_series;
select core.refresh_price_series(true);
select set_eq('select instrument_id, n_rows, first_date, last_date, trade_dates, open, high, low, close, adjusted_close, volume from hist.price_series',
              'select instrument_id, n_rows, first_date, last_date, trade_dates, open, high, low, close, adjusted_close, volume from extended',
              'the extension equals a full build');
select is(core.refresh_price_series(), 0, 'nothing new, nothing written');

select * from finish();
rollback;
