-- hist.daily_returns: simple returns from adjusted closes; a day flagged bad or suspect has its return withheld.
begin;
select plan(3);

-- SETUP: four sessions of one instrument; the third is flagged bad, the fourth only for review
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('TST_EQ', 'Test market', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('TSTA', 'TST_EQ', 'TSTA', 'Test A', 'Energy', 'USD', 'XNYS');
insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
values ('TSTA', '2023-01-03', 10, 10, 10, 10, 10, 100), ('TSTA', '2023-01-04', 11, 11, 11, 11, 11, 100),
       ('TSTA', '2023-01-05', 22, 22, 22, 22, 22, 100), ('TSTA', '2023-01-06', 11, 11, 11, 11, 11, 100);
insert into hist.price_anomalies (instrument_id, trade_date, rule, verdict, verdict_text)
values ('TSTA', '2023-01-05', 'jump', 'bad', 'adjustment error'), ('TSTA', '2023-01-06', 'jump', 'review', 'looks fine');

-- TEST
select results_eq($$select trade_date, round(ret::numeric, 12), excluded from hist.daily_returns where instrument_id = 'TSTA' order by trade_date$$,
                  $$values ('2023-01-03'::date, null::numeric, false), ('2023-01-04', 0.1, false), ('2023-01-05', null, true),
                           ('2023-01-06', -0.5, false)$$,
                  'adjusted close over the previous one, minus 1; null on the first day and on a bad day, which is marked excluded');
select ok(has_table_privilege('pycore_writer', 'hist.daily_returns', 'select'), 'pycore_writer (the engines) may read the returns');
select ok(obj_description('hist.daily_returns'::regclass, 'pg_class') is not null, 'hist.daily_returns has a comment');

select * from finish();
rollback;
