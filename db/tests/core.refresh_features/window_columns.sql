-- core.refresh_features: the stored 63-row return sums and the 200-row average are those of the rows they close,
-- also when an extension continues from stored rows.
begin;
select plan(6);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('AAA', 'US_EQ', 'AAA', 'A', 'Tech', 'USD', 'XNYS');
-- 150 days first, 100 more after a refresh: the extension's windows reach back into stored rows
insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
select 'AAA', date '2020-01-01' + k, 10 + k % 7, 10 + k % 7, 10 + k % 7, 10 + k % 7, 10 + k % 7, 100
  from generate_series(0, 149) k;
select core.refresh_features();
insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
select 'AAA', date '2020-01-01' + k, 10 + k % 7, 10 + k % 7, 10 + k % 7, 10 + k % 7, 10 + k % 7, 100
  from generate_series(150, 249) k;
select is(core.refresh_features(), 100, 'the extension writes the 100 new rows');

create temp table expect as
select p.trade_date, row_number() over w as n,
       sum(r.ret) over (w rows between 62 preceding and current row) as s63,
       sum(r.ret ^ 2) over (w rows between 62 preceding and current row) as q63,
       count(r.ret) over (w rows between 62 preceding and current row) as c63,
       avg(p.adjusted_close) over (w rows between 199 preceding and current row) as ma200
  from hist.prices_daily p join hist.daily_returns r using (instrument_id, trade_date)
window w as (order by p.trade_date);

select is((select ma_200 from hist.features_daily where session_no = 199), null, 'no 200-row average before the 200th row');
select ok((select bool_and(abs(f.ma_200 - e.ma200) < 1e-9) from hist.features_daily f join expect e using (trade_date) where e.n >= 200),
          'the 200-row average is the mean of the last 200 adjusted closes');
select ok((select bool_and(f.ret_n_63 = e.c63) from hist.features_daily f join expect e using (trade_date)),
          'the 63-row count is that of the non-null returns of the last 63 rows');
select ok((select bool_and(abs(f.ret_sum_63 - e.s63) < 1e-9 and abs(f.ret_sq_sum_63 - e.q63) < 1e-9)
             from hist.features_daily f join expect e using (trade_date) where e.c63 > 0),
          'the 63-row sums are those of the returns and their squares over the last 63 rows');
create temp table extended as select * from hist.features_daily;
select core.refresh_features(true);
select set_eq('select trade_date, ret_sum_63, ret_sq_sum_63, ret_n_63, ma_200 from hist.features_daily',
              'select trade_date, ret_sum_63, ret_sq_sum_63, ret_n_63, ma_200 from extended',
              'the extended window columns equal a full rebuild');

select * from finish();
rollback;
