-- core.refresh_features: a build from the first row and an extension by new sessions give the same rows,
-- flagged returns are withheld, and a refresh that writes rows empties the engine cache.
begin;
select plan(6);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('AAA', 'US_EQ', 'AAA', 'A', 'Tech', 'USD', 'XNYS');
insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
values ('AAA', '2024-01-29', 10, 10, 10, 10, 10, 100), ('AAA', '2024-01-30', 11, 11, 11, 11, 11, 100),
       ('AAA', '2024-01-31', 12, 12, 12, 12, 12, 100);
insert into hist.price_anomalies (instrument_id, trade_date, rule, verdict, verdict_text)
values ('AAA', '2024-01-31', 'TEST', 'bad', 'bad: test');

select is(core.refresh_features(), 3, 'a first refresh builds every row');
select is((select array_agg(session_no order by trade_date) from hist.features_daily), array[1, 2, 3], 'rows are numbered per instrument');
select is((select ret from hist.features_daily where trade_date = '2024-01-31'), null, 'a flagged day has no return');

insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
values ('AAA', '2024-02-01', 13, 13, 13, 13, 13, 100), ('AAA', '2024-02-02', 12, 12, 12, 12, 12, 100);
insert into runtime.engine_cache (engine, cache_key, as_of_date, market_id, params, data_version, output)
values ('ASSESSMENT', md5('x'), '2024-02-01', 'US_EQ', '{}', 0, '[]');
select is(core.refresh_features(), 2, 'an extension computes only the new sessions');
create temp table extended as select * from hist.features_daily;
select is((select count(*)::int from runtime.engine_cache), 0, 'new rows empty the engine cache');
select core.refresh_features(true);
select set_eq('select instrument_id, trade_date, session_no, ret, s_ret, s_ret2, n_ret, s_dollar_volume, s_adjusted_close, gap, running_high, month_high, month_max_gap, ret_sum_63, ret_sq_sum_63, ret_n_63, ma_200 from hist.features_daily',
              'select instrument_id, trade_date, session_no, ret, s_ret, s_ret2, n_ret, s_dollar_volume, s_adjusted_close, gap, running_high, month_high, month_max_gap, ret_sum_63, ret_sq_sum_63, ret_n_63, ma_200 from extended',
              'the extension equals a full rebuild');

select * from finish();
rollback;
