-- Deploy prometheus:functions/function_run_assessment to pg
-- Assessment engine: per instrument and decision date, scores from price history
-- dated strictly before the decision date (point in time).
begin;

create or replace function core.run_assessment(
  p_run_id uuid,
  p_strategy_id text,
  p_market_id text,
  p_dates date[],
  p_params jsonb default '{}'
) returns integer
language sql
volatile
set search_path = ''
-- the planner cannot see how many decision dates come in (an array parameter):
-- bulk hash joins, never a nested loop over millions of price rows
set enable_nestloop = off
as $$
  with params as (
    select coalesce((p_params ->> 'momentum_lookback_days')::int, 252) as lb,
           coalesce((p_params ->> 'momentum_skip_days')::int, 21) as skip,
           coalesce((p_params ->> 'volatility_window_days')::int, 60) as vw,
           coalesce((p_params ->> 'momentum_weight')::float8, 0.7) as wm
  ),
  decisions as (
    -- each decision date and the last session before it: the newest data a decision may use
    select d.as_of_date,
           (select max(t.trade_date) from hist.trading_days t
             where t.calendar = m.calendar and t.trade_date < d.as_of_date) as signal_date
      from (select distinct unnest(p_dates) as as_of_date) d
      cross join (select calendar from hist.markets where market_id = p_market_id) m
  ),
  bounds as (
    select min(signal_date) as lo, max(signal_date) as hi from decisions
  ),
  hist_window as (
    -- enough sessions before the first signal date for the longest lookback
    select (select min(trade_date) from (
              select t.trade_date from hist.trading_days t, bounds b, params p
               where t.calendar = (select calendar from hist.markets where market_id = p_market_id)
                 and t.trade_date <= b.lo
               order by t.trade_date desc
               limit (select greatest(lb, vw) + 1 from params)) x) as lo,
           (select hi from bounds) as hi
  ),
  px as (
    select r.instrument_id, r.trade_date, r.adjusted_close, r.ret
      from hist.daily_returns r
      join hist.instruments i on i.instrument_id = r.instrument_id and i.market_id = p_market_id
     where r.trade_date between (select lo from hist_window) and (select hi from hist_window)
  ),
  running as (
    -- running sums per instrument: moving-window statistics below are differences
    -- of them (O(n); PostgreSQL has no inverse transition for float8 aggregates, so a
    -- ROWS frame would re-aggregate the whole window on every row)
    select px.instrument_id, px.trade_date, px.adjusted_close,
           sum(coalesce(px.ret, 0)) over w as s1,
           sum(coalesce(px.ret, 0) ^ 2) over w as s2,
           count(px.ret) over w as cnt
      from px
    window w as (partition by px.instrument_id order by px.trade_date rows between unbounded preceding and current row)
  ),
  feats as (
    select r.instrument_id, r.trade_date,
           lag(r.adjusted_close, (select skip from params)) over w as px_recent,
           lag(r.adjusted_close, (select lb from params)) over w as px_start,
           r.s1 - coalesce(lag(r.s1, (select vw from params)) over w, 0) as ws1,
           r.s2 - coalesce(lag(r.s2, (select vw from params)) over w, 0) as ws2,
           r.cnt - coalesce(lag(r.cnt, (select vw from params)) over w, 0) as nret,
           r.s1 - coalesce(lag(r.s1, 20) over w, 0) as ws1_20,
           r.s2 - coalesce(lag(r.s2, 20) over w, 0) as ws2_20,
           r.cnt - coalesce(lag(r.cnt, 20) over w, 0) as nret_20
      from running r
    window w as (partition by r.instrument_id order by r.trade_date)
  ),
  stats as (
    select f.*,
           case when f.nret > 1 then sqrt(greatest(f.ws2 - f.ws1 ^ 2 / f.nret, 0) / (f.nret - 1)) end as vol,
           case when f.nret_20 > 1 then sqrt(greatest(f.ws2_20 - f.ws1_20 ^ 2 / f.nret_20, 0) / (f.nret_20 - 1)) end as vol20
      from feats f
  ),
  at_signal as (
    select d.as_of_date, f.instrument_id,
           f.px_recent / f.px_start - 1 as momentum,
           f.vol * sqrt(252) as volatility,
           f.vol20 * sqrt(252) as volatility_20d,
           f.nret::float8 / (select vw from params) as coverage
      from decisions d
      join stats f on f.trade_date = d.signal_date
     where f.px_start is not null and f.px_recent is not null and f.vol is not null
       and f.nret >= 0.75 * (select vw from params)
  ),
  ranked as (
    select a.*,
           percent_rank() over (partition by a.as_of_date order by a.momentum) as rank_momentum,
           percent_rank() over (partition by a.as_of_date order by a.volatility desc) as rank_low_vol
      from at_signal a
  ),
  scored as (
    select r.*, p.wm * r.rank_momentum + (1 - p.wm) * r.rank_low_vol as composite
      from ranked r, params p
  ),
  ins as (
    insert into runtime.instrument_scores
      (run_id, model_id, strategy_id, market_id, instrument_id, as_of_date, horizon_days, expected_return,
       score, confidence, signal_label, alpha_components, metadata)
    select p_run_id, 'MOM12_1_LOWVOL_V1', p_strategy_id, p_market_id, s.instrument_id, s.as_of_date, 21,
           s.momentum / 12.0,
           2 * s.composite - 1,
           least(1.0, s.coverage),
           case when s.composite >= 2.0 / 3 then 'BUY' when s.composite <= 1.0 / 3 then 'SELL' else 'HOLD' end,
           jsonb_build_object('momentum_12_1', s.momentum, 'volatility', s.volatility, 'volatility_20d', s.volatility_20d,
                              'rank_momentum', s.rank_momentum, 'rank_low_volatility', s.rank_low_vol,
                              'composite', s.composite),
           jsonb_build_object('params', p_params)
      from scored s
    returning 1
  )
  select count(*)::int from ins;
$$;

comment on function core.run_assessment(uuid, text, text, date[], jsonb) is
'Assessment engine. For each decision date and each instrument of the market, from adjusted closes dated before the decision date: 12-1 momentum (price lookback/skip sessions ago), annualized volatility of daily returns over volatility_window_days sessions (at least 75% of them present), percent ranks, and the composite momentum_weight * rank_momentum + (1 - momentum_weight) * rank_low_volatility. score = 2 * composite - 1 in [-1, 1]. Writes runtime.instrument_scores (model MOM12_1_LOWVOL_V1) and returns the row count. Flagged bad returns are excluded (hist.daily_returns).';

grant execute on function core.run_assessment(uuid, text, text, date[], jsonb) to pycore_writer;

commit;
