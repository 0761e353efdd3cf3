-- The engines as they were before the feature store (one body each, unchanged but for their names and the
-- tables they write: pg_temp copies), so that tests can hold the feature-store engines to them on real data.
create temp table legacy_instrument_scores (like runtime.instrument_scores including defaults including identity);
create temp table legacy_universe_members (like runtime.universe_members including defaults including identity);
create temp table legacy_stability_vectors (like runtime.stability_vectors including defaults including identity);
create temp table legacy_fragility_measures (like runtime.fragility_measures including defaults including identity);

-- Assessment engine: per instrument and decision date, scores from price history
-- dated strictly before the decision date (point in time).

create or replace function pg_temp.legacy_run_assessment(
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
    insert into pg_temp.legacy_instrument_scores
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

-- Universe engine: per decision date, the liquid, priced, seasoned instruments of a
-- market, from data dated strictly before the decision date.

create or replace function pg_temp.legacy_run_universe(
  p_run_id uuid,
  p_strategy_id text,
  p_market_id text,
  p_dates date[],
  p_params jsonb default '{}'
) returns integer
language sql
volatile
set search_path = ''
as $$
  with params as (
    select coalesce((p_params ->> 'top_n_liquidity')::int, 200) as top_n,
           coalesce((p_params ->> 'liquidity_window_days')::int, 60) as lw,
           coalesce((p_params ->> 'min_price')::float8, 5.0) as min_price,
           coalesce((p_params ->> 'min_history_days')::int, 252) as min_hist,
           (p_params ->> 'max_fragility')::float8 as max_fragility
  ),
  cal as (
    select calendar from hist.markets where market_id = p_market_id
  ),
  decisions as (
    select d.as_of_date,
           (select max(t.trade_date) from hist.trading_days t, cal
             where t.calendar = cal.calendar and t.trade_date < d.as_of_date) as signal_date
      from (select distinct unnest(p_dates) as as_of_date) d
  ),
  hist_window as (
    select (select min(trade_date) from (
              select t.trade_date from hist.trading_days t, cal
               where t.calendar = cal.calendar and t.trade_date <= (select min(signal_date) from decisions)
               order by t.trade_date desc
               limit (select lw + 1 from params)) x) as lo,
           (select max(signal_date) from decisions) as hi
  ),
  px as (
    select p.instrument_id, p.trade_date, p.close, p.close * p.volume as dollar_volume
      from hist.prices_daily p
      join hist.instruments i on i.instrument_id = p.instrument_id and i.market_id = p_market_id
     where p.trade_date between (select lo from hist_window) and (select hi from hist_window)
  ),
  running as (
    select px.instrument_id, px.trade_date, px.close,
           sum(px.dollar_volume) over (partition by px.instrument_id order by px.trade_date
                                       rows between unbounded preceding and current row) as cdv,
           row_number() over (partition by px.instrument_id order by px.trade_date) as n
      from px
  ),
  feats as (
    -- average dollar volume over the window, as a difference of running sums (O(n))
    select r.instrument_id, r.trade_date, r.close,
           (r.cdv - coalesce(lag(r.cdv, (select lw from params)) over w, 0))
             / least(r.n, (select lw from params)) as adv
      from running r
    window w as (partition by r.instrument_id order by r.trade_date)
  ),
  ords as (
    select t.trade_date, row_number() over (order by t.trade_date) as ord
      from hist.trading_days t, cal
     where t.calendar = cal.calendar
  ),
  seasoning as (
    -- sessions of history up to each signal date (first_date is a session)
    select d.as_of_date, d.signal_date, i.instrument_id, os.ord - o1.ord + 1 as sessions
      from decisions d
      join hist.instruments i on i.market_id = p_market_id and i.first_date <= d.signal_date
      join ords os on os.trade_date = d.signal_date
      join ords o1 on o1.trade_date = i.first_date
  ),
  cand as (
    select s.as_of_date, s.instrument_id, f.close, f.adv, s.sessions,
           fr.fragility_score,
           (f.close is not null) as priced,
           (s.sessions >= (select min_hist from params)) as seasoned,
           (coalesce(f.close, 0) >= (select min_price from params)) as above_floor,
           ((select max_fragility from params) is null or fr.fragility_score is null
            or fr.fragility_score <= (select max_fragility from params)) as not_fragile
      from seasoning s
      left join feats f on f.instrument_id = s.instrument_id and f.trade_date = s.signal_date
      left join lateral (
        select m.fragility_score from runtime.fragility_measures m
         where (select max_fragility from params) is not null
           and m.entity_type = 'INSTRUMENT' and m.entity_id = s.instrument_id
           and m.as_of_date <= s.signal_date
         order by m.as_of_date desc limit 1) fr on true
  ),
  ranked as (
    select c.*,
           case when c.priced and c.seasoned and c.above_floor and c.not_fragile
                then row_number() over (partition by c.as_of_date,
                                        (c.priced and c.seasoned and c.above_floor and c.not_fragile)
                                        order by c.adv desc nulls last, c.instrument_id)
           end as liquidity_rank
      from cand c
  ),
  ins as (
    insert into pg_temp.legacy_universe_members
      (run_id, model_id, universe_id, as_of_date, entity_type, entity_id, tier, included, score, reasons)
    select p_run_id, 'LIQUID_PRICED_SEASONED_V1', p_strategy_id || '_UNIVERSE', r.as_of_date, 'INSTRUMENT', r.instrument_id,
           case when r.liquidity_rank <= (select top_n from params) then 'CORE' else 'EXCLUDED' end,
           coalesce(r.liquidity_rank <= (select top_n from params), false),
           coalesce(r.adv, 0),
           jsonb_build_object('priced', r.priced, 'seasoned', r.seasoned, 'sessions', r.sessions,
                              'above_min_price', r.above_floor, 'last_close', r.close,
                              'avg_dollar_volume', r.adv, 'liquidity_rank', r.liquidity_rank,
                              'fragility_score', r.fragility_score, 'not_fragile', r.not_fragile)
      from ranked r
    returning 1
  )
  select count(*)::int from ins;
$$;

-- Stability engine: per session, market-wide stability components and a score in [0, 1].

create or replace function pg_temp.legacy_run_stability(p_market_id text default 'US_EQ', p_from date default '1990-01-01', p_to date default '2100-01-01')
returns integer
language sql
volatile
set search_path = ''
as $$
  with rets as (
    select r.instrument_id, r.trade_date, r.ret, r.adjusted_close
      from hist.daily_returns r
      join hist.instruments i on i.instrument_id = r.instrument_id and i.market_id = p_market_id
  ),
  running as (
    -- running sums per instrument; 63-day and 200-day windows are their differences (O(n))
    select r.instrument_id, r.trade_date, r.ret, r.adjusted_close,
           sum(coalesce(r.ret, 0)) over w as s1, sum(coalesce(r.ret, 0) ^ 2) over w as s2, count(r.ret) over w as c,
           sum(r.adjusted_close) over w as sp, row_number() over w as n
      from rets r
    window w as (partition by r.instrument_id order by r.trade_date rows between unbounded preceding and current row)
  ),
  windows as (
    select r.trade_date, r.ret, r.adjusted_close,
           r.s1 - coalesce(lag(r.s1, 63) over w, 0) as w1,
           r.s2 - coalesce(lag(r.s2, 63) over w, 0) as w2,
           r.c - coalesce(lag(r.c, 63) over w, 0) as wc,
           case when r.n >= 200 then (r.sp - coalesce(lag(r.sp, 200) over w, 0)) / 200 end as ma200
      from running r
    window w as (partition by r.instrument_id order by r.trade_date)
  ),
  per_inst as (
    select w.trade_date, w.ret, w.adjusted_close, w.ma200,
           case when w.wc >= 50 then sqrt(greatest(w.w2 - w.w1 ^ 2 / w.wc, 0) / (w.wc - 1)) end as sigma
      from windows w
  ),
  per_date as (
    select p.trade_date,
           avg(p.ret) as rp,
           stddev_samp(p.ret) as dispersion,
           count(p.sigma) as n_sigma, sum(p.sigma) as s_sigma, sum(p.sigma ^ 2) as s_sigma2,
           avg(case when p.ma200 is null then null when p.adjusted_close > p.ma200 then 1.0 else 0.0 end) as breadth,
           count(*) as n
      from per_inst p
     group by p.trade_date
  ),
  market as (
    select d.*,
           stddev_samp(d.rp) over (order by d.trade_date rows between 62 preceding and current row) as sigma_p,
           avg(d.dispersion) over (order by d.trade_date rows between 20 preceding and current row) as dispersion_21d,
           count(*) over (order by d.trade_date rows between 62 preceding and current row) as n_days,
           ln(v.close / lag(v.close) over (order by d.trade_date)) as dlvix
      from per_date d
      left join hist.vix_daily v on v.trade_date = d.trade_date
  ),
  comps as (
    select m.trade_date, m.n, m.breadth, m.dispersion_21d,
           -- average pairwise correlation of the equal-weight market over 63 sessions:
           -- (var_p - sum w^2 s_i^2) / ((sum w s_i)^2 - sum w^2 s_i^2), w = 1/n
           case when m.n_sigma > 10 and m.n_days = 63 then
             (m.sigma_p ^ 2 - m.s_sigma2 / m.n_sigma ^ 2) / nullif((m.s_sigma / m.n_sigma) ^ 2 - m.s_sigma2 / m.n_sigma ^ 2, 0)
           end as avg_corr,
           stddev_samp(m.dlvix) over (order by m.trade_date rows between 20 preceding and current row) as vol_of_vol
      from market m
  ),
  scored as (
    select c.*,
           least(1.0, greatest(0.0, (c.avg_corr - 0.2) / 0.5)) as corr_stress,
           least(1.0, greatest(0.0, (c.dispersion_21d - 0.01) / 0.03)) as dispersion_stress,
           1 - c.breadth as breadth_stress,
           least(1.0, greatest(0.0, (c.vol_of_vol - 0.04) / 0.11)) as vov_stress
      from comps c
     where c.avg_corr is not null and c.breadth is not null and c.vol_of_vol is not null
       and c.trade_date between p_from and p_to
  ),
  del as (
    delete from pg_temp.legacy_stability_vectors s
     where s.run_id is null and s.model_id = 'STAB_V1' and s.entity_type = 'MARKET' and s.entity_id = p_market_id
       and s.as_of_date between p_from and p_to
    returning 1
  ),
  ins as (
    insert into pg_temp.legacy_stability_vectors (entity_type, entity_id, as_of_date, vector_components, overall_score, metadata, model_id)
    select 'MARKET', p_market_id, s.trade_date,
           jsonb_build_object('avg_pairwise_correlation_63d', s.avg_corr, 'dispersion_21d', s.dispersion_21d,
                              'breadth_above_ma200', s.breadth, 'vix_vol_of_vol_21d', s.vol_of_vol,
                              'correlation_stress', s.corr_stress, 'dispersion_stress', s.dispersion_stress,
                              'breadth_stress', s.breadth_stress, 'vol_of_vol_stress', s.vov_stress, 'instruments', s.n),
           1 - (s.corr_stress + s.dispersion_stress + s.breadth_stress + s.vov_stress) / 4,
           jsonb_build_object('score', '1 - mean of the four stresses, each mapped linearly to [0, 1]'),
           'STAB_V1'
      from scored s
     where (select count(*) from del) >= 0
    returning 1
  )
  select count(*)::int from ins;
$$;

-- Fragility engine: per instrument, at every month-end session, components and a score in [0, 1].

create or replace function pg_temp.legacy_run_fragility(p_market_id text default 'US_EQ', p_from date default '1990-01-01', p_to date default '2100-01-01')
returns integer
language sql
volatile
set search_path = ''
as $$
  with px as (
    select p.instrument_id, p.trade_date, p.adjusted_close,
           p.close * p.volume as dollar_volume,
           -- the open gap against the previous close, both on the adjusted scale (splits are no gaps)
           p.open * (p.adjusted_close / p.close) / lag(p.adjusted_close) over w - 1 as gap,
           r.ret
      from hist.prices_daily p
      join hist.instruments i on i.instrument_id = p.instrument_id and i.market_id = p_market_id
      join hist.daily_returns r on r.instrument_id = p.instrument_id and r.trade_date = p.trade_date
    window w as (partition by p.instrument_id order by p.trade_date)
  ),
  running as (
    select x.*,
           sum(coalesce(x.ret, 0)) over w as s1, sum(coalesce(x.ret, 0) ^ 2) over w as s2, count(x.ret) over w as c,
           sum(x.dollar_volume) over w as sdv, row_number() over w as n
      from px x
    window w as (partition by x.instrument_id order by x.trade_date rows between unbounded preceding and current row)
  ),
  windows as (
    select r.instrument_id, r.trade_date, r.adjusted_close, r.gap, r.n,
           r.s1 - coalesce(lag(r.s1, 21) over w, 0) as a1, r.s2 - coalesce(lag(r.s2, 21) over w, 0) as a2,
           r.c - coalesce(lag(r.c, 21) over w, 0) as ac,
           r.s1 - coalesce(lag(r.s1, 252) over w, 0) as b1, r.s2 - coalesce(lag(r.s2, 252) over w, 0) as b2,
           r.c - coalesce(lag(r.c, 252) over w, 0) as bc,
           (r.sdv - coalesce(lag(r.sdv, 21) over w, 0)) / least(r.n, 21) as adv21,
           (r.sdv - coalesce(lag(r.sdv, 252) over w, 0)) / least(r.n, 252) as adv252
      from running r
    window w as (partition by r.instrument_id order by r.trade_date)
  ),
  months as (
    -- per instrument and month: the month's high and largest gap, and its last session
    select w.instrument_id, date_trunc('month', w.trade_date) as m,
           max(w.adjusted_close) as high, max(abs(w.gap)) as max_gap, max(w.trade_date) as last_day
      from windows w
     group by 1, 2
  ),
  trail as (
    select m.instrument_id, m.last_day,
           max(m.high) over (partition by m.instrument_id order by m.m rows between 11 preceding and current row) as high_12m,
           max(m.max_gap) over (partition by m.instrument_id order by m.m rows between 2 preceding and current row) as gap_3m,
           count(*) over (partition by m.instrument_id order by m.m rows between 11 preceding and current row) as months
      from months m
  ),
  at_month_end as (
    select w.instrument_id, w.trade_date,
           w.adjusted_close / t.high_12m - 1 as drawdown,
           case when w.ac > 15 and w.bc > 120 then
             sqrt(greatest(w.a2 - w.a1 ^ 2 / w.ac, 0) / (w.ac - 1)) / nullif(sqrt(greatest(w.b2 - w.b1 ^ 2 / w.bc, 0) / (w.bc - 1)), 0)
           end as vol_ratio,
           w.adv21 / nullif(w.adv252, 0) as liquidity_ratio,
           t.gap_3m
      from windows w
      join trail t on t.instrument_id = w.instrument_id and t.last_day = w.trade_date
     where t.months >= 6 and w.n >= 126 and w.trade_date between p_from and p_to
  ),
  scored as (
    select a.*,
           least(1.0, greatest(0.0, -a.drawdown / 0.5)) as c_drawdown,
           least(1.0, greatest(0.0, (coalesce(a.vol_ratio, 1) - 1) / 2)) as c_vol,
           least(1.0, greatest(0.0, 1 - coalesce(a.liquidity_ratio, 1))) as c_liquidity,
           least(1.0, greatest(0.0, coalesce(a.gap_3m, 0) / 0.2)) as c_gap
      from at_month_end a
  ),
  del as (
    delete from pg_temp.legacy_fragility_measures f
     where f.run_id is null and f.model_id = 'FRAG_V1' and f.entity_type = 'INSTRUMENT'
       and f.as_of_date between p_from and p_to
       and f.entity_id in (select instrument_id from hist.instruments where market_id = p_market_id)
    returning 1
  ),
  ins as (
    insert into pg_temp.legacy_fragility_measures (entity_type, entity_id, as_of_date, fragility_score, scenario_losses, metadata, model_id)
    select 'INSTRUMENT', s.instrument_id, s.trade_date,
           0.35 * s.c_drawdown + 0.30 * s.c_vol + 0.15 * s.c_liquidity + 0.20 * s.c_gap,
           jsonb_build_object('drawdown_from_12m_high', s.drawdown, 'volatility_spike_21d_vs_252d', s.vol_ratio,
                              'liquidity_21d_vs_252d', s.liquidity_ratio, 'max_gap_3m', s.gap_3m,
                              'drawdown_component', s.c_drawdown, 'volatility_component', s.c_vol,
                              'liquidity_component', s.c_liquidity, 'gap_component', s.c_gap),
           jsonb_build_object('market_id', p_market_id, 'weights', jsonb_build_object('drawdown', 0.35, 'volatility', 0.30, 'liquidity', 0.15, 'gap', 0.20)),
           'FRAG_V1'
      from scored s
     where (select count(*) from del) >= 0
    returning 1
  )
  select count(*)::int from ins;
$$;

