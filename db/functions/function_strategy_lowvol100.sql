-- Deploy prometheus:functions/function_strategy_lowvol100 to pg
-- LOWVOL100, a strategy written in SQL: the 100 least volatile liquid names, weighted by inverse volatility.
begin;

create or replace function strategies.lowvol100(as_of date, params jsonb)
returns table (instrument_id text, weight double precision)
language sql
stable
set search_path = ''
as $$
  with p as (
    select coalesce((params ->> 'top_n')::int, 100) as top_n,
           coalesce((params ->> 'window_days')::int, 60) as window_days,
           coalesce((params ->> 'min_price')::float8, 5.0) as min_price,
           coalesce((params ->> 'liquidity_top_n')::int, 300) as liquidity_top_n,
           coalesce((params ->> 'max_gross')::float8, 1.0) as max_gross
  ), sessions as (  -- the last window_days + 1 sessions before the decision date
    select d.trade_date from pit.trading_days d, p
     where d.calendar = 'XNYS' and d.trade_date >= as_of - 400
     order by d.trade_date desc limit (select window_days + 1 from p)
  ), bars as (
    select b.instrument_id, b.trade_date, b.close, b.volume,
           b.adjusted_close / lag(b.adjusted_close) over (partition by b.instrument_id order by b.trade_date) - 1 as ret,
           row_number() over (partition by b.instrument_id order by b.trade_date desc) as back
      from pit.prices_daily b
     where b.trade_date >= (select min(s.trade_date) from sessions s)
  ), stats as (
    select b.instrument_id, pg_catalog.stddev_samp(b.ret) as vol, count(b.ret) as n,
           avg(b.close * b.volume) as dollar_volume,
           max(b.close) filter (where b.back = 1) as last_close,
           max(b.trade_date) as last_date
      from bars b
     group by b.instrument_id
  ), liquid as (
    select s.* from stats s, p
     where s.n = p.window_days and s.last_date = (select max(x.trade_date) from sessions x)
       and s.last_close >= p.min_price and s.vol > 0
     order by s.dollar_volume desc, s.instrument_id
     limit (select liquidity_top_n from p)
  ), picked as (
    select l.instrument_id, 1 / l.vol as inv from liquid l
     order by l.vol, l.instrument_id
     limit (select top_n from p)
  )
  select k.instrument_id, (select max_gross from p) * k.inv / sum(k.inv) over () as weight
    from picked k
   order by k.instrument_id
$$;

comment on function strategies.lowvol100(date, jsonb) is
'LOWVOL100 (a SQL strategy): among the liquidity_top_n (300) names by average dollar volume that traded on each of the last window_days (60) sessions before the decision date at a last close of at least min_price (5), the top_n (100) with the lowest volatility of daily returns, weighted by inverse volatility to a gross of max_gross (1). Reads only the pit views.';

revoke execute on function strategies.lowvol100(date, jsonb) from public;
grant execute on function strategies.lowvol100(date, jsonb) to strategy_sandbox;

commit;
