-- Deploy prometheus:functions/function_run_regimes to pg
-- Regime engine: a label per session from the S&P 500 index and VIX (market-wide, run_id null).
begin;

create or replace function core.run_regimes(p_market_id text default 'US_EQ', p_from date default '1991-01-01', p_to date default '2100-01-01')
returns integer
language sql
volatile
set search_path = ''
as $$
  with lb as (
    -- the windows below look back at most 252 index rows: 260 rows before p_from are enough, so a refresh of the
    -- newest sessions reads a year of index levels, not all of them
    select coalesce((select l.trade_date from hist.index_levels l
                      where l.index_id = 'SPX' and l.trade_date < p_from
                      order by l.trade_date desc offset 259 limit 1), '-infinity'::date) as d
  ),
  idx as (
    select l.trade_date, l.close,
           l.close / lag(l.close) over w - 1 as ret,
           avg(l.close) over (w rows between 49 preceding and current row) as ma50,
           avg(l.close) over (w rows between 199 preceding and current row) as ma200,
           max(l.close) over (w rows between 251 preceding and current row) as high252,
           count(*) over (w rows between 199 preceding and current row) as n200
      from hist.index_levels l
     where l.index_id = 'SPX' and l.trade_date >= (select lb.d from lb)
    window w as (order by l.trade_date)
  ),
  vol as (
    select i.*, stddev_samp(i.ret) over (order by i.trade_date rows between 20 preceding and current row) * sqrt(252) as rv21
      from idx i
  ),
  x as (
    select v.trade_date, v.close, v.ma50, v.ma200, v.rv21, v.close / v.high252 - 1 as dd252, k.close as vix
      from vol v
      join hist.vix_daily k on k.trade_date = v.trade_date
     where v.n200 = 200 and v.trade_date between p_from and p_to
  ),
  labelled as (
    select x.*,
           case
             when x.vix >= 35 or x.rv21 >= 0.40 or (x.dd252 <= -0.20 and x.vix >= 28) then 'CRISIS'
             when x.close < x.ma200 and (x.vix >= 25 or x.rv21 >= 0.25) then 'VOLATILE_BEAR'
             when x.close < x.ma200 then 'CALM_BEAR'
             when x.vix >= 20 or x.rv21 >= 0.20 then 'VOLATILE_BULL'
             else 'CALM_BULL'
           end as label
      from x
  ),
  del as (
    delete from runtime.regimes r
     where r.run_id is null and r.model_id = 'TREND_VOL_V1'
       and r.region = (select region from hist.markets where market_id = p_market_id)
       and r.as_of_date between p_from and p_to
    returning 1
  ),
  ins as (
    insert into runtime.regimes (as_of_date, region, regime_label, confidence, metadata, model_id)
    select l.trade_date, (select region from hist.markets where market_id = p_market_id), l.label,
           -- confidence: how far the deciding input sits from its threshold, capped to [0.5, 1]
           least(1.0, greatest(0.5, 0.5 + abs(l.vix - case when l.label = 'CRISIS' then 35 when l.label like 'VOLATILE%' then 22.5 else 20 end) / 20)),
           jsonb_build_object('spx_close', l.close, 'ma50', l.ma50, 'ma200', l.ma200, 'trend', case when l.close >= l.ma200 then 'UP' else 'DOWN' end,
                              'realized_vol_21d', l.rv21, 'vix', l.vix, 'drawdown_252d', l.dd252,
                              'rules', 'CRISIS: VIX>=35 or RV21>=40% or (DD252<=-20% and VIX>=28); BEAR: SPX<MA200 (VOLATILE if VIX>=25 or RV21>=25%); BULL: VOLATILE if VIX>=20 or RV21>=20%'),
           'TREND_VOL_V1'
      from labelled l
     where (select count(*) from del) >= 0
    returning 1
  )
  select count(*)::int from ins;
$$;

comment on function core.run_regimes(text, date, date) is
'Regime engine (model TREND_VOL_V1). For every session with 200 days of S&P 500 history and a VIX close: trend from the 200-day moving average, 21-day realized volatility, VIX and the drawdown from the 252-day high give CRISIS, VOLATILE_BEAR, CALM_BEAR, VOLATILE_BULL or CALM_BULL. Replaces the market-wide rows (run_id null) of the date range; returns the row count. Reads the index levels from 260 rows before p_from.';

grant execute on function core.run_regimes(text, date, date) to pycore_writer;

commit;
