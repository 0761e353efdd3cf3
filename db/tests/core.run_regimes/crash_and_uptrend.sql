-- core.run_regimes labels a crash CRISIS and a quiet uptrend CALM_BULL, and replaces its rows when run again.
begin;
select plan(6);

-- SETUP: 260 sessions of a quiet uptrend, then 15 sessions of a crash with VIX at 60
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.index_levels (index_id, trade_date, close)
select 'SPX', d, case when n <= 260 then 1000 * (1 + 0.0004 * n) else 1104 * (1 - 0.03 * (n - 260)) end
  from (select d::date, row_number() over (order by d) as n
          from generate_series('2010-01-01'::date, '2011-12-31', interval '1 day') d
         where extract(isodow from d) < 6 limit 275) x;
insert into hist.vix_daily (trade_date, open, high, low, close)
select trade_date, v, v, v, v
  from (select trade_date, case when row_number() over (order by trade_date) <= 260 then 12.0 else 60.0 end as v
          from hist.index_levels where index_id = 'SPX') x;

-- TEST
select is(core.run_regimes('US_EQ'), 76, 'one row per session with 200 sessions of history and a VIX close');
select is((select regime_label from runtime.regimes order by as_of_date desc limit 1), 'CRISIS', 'the crash is CRISIS');
select is((select regime_label from runtime.regimes order by as_of_date limit 1), 'CALM_BULL', 'the quiet uptrend is CALM_BULL');
select ok((select bool_and(confidence between 0 and 1) from runtime.regimes), 'confidence is in [0, 1]');
select is(core.run_regimes('US_EQ'), 76, 'running again gives the same rows');
select is((select count(*)::int from runtime.regimes), 76, 'and replaces them instead of adding');

select * from finish();
rollback;
