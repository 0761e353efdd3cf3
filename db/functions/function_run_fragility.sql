-- Deploy prometheus:functions/function_run_fragility to pg
-- Fragility engine: per instrument, at every month-end session, components and a score in [0, 1].
begin;

create or replace function core.run_fragility(p_market_id text default 'US_EQ', p_from date default '1990-01-01', p_to date default '2100-01-01')
returns integer
language sql
volatile
set search_path = ''
set work_mem = '256MB'
as $$
  with starts as (
    -- per instrument, the month of the row 300 rows before (or the first row) its first row in p_from's month: 300 rows hold at least
    -- 13 months with rows, enough for the 12-month and 3-month trails below
    select i.instrument_id, date_trunc('month', b.trade_date::timestamp) as m0,
           date_trunc('month', least(p_to, l.trade_date)::timestamp) as m1
      from hist.instruments i
      cross join lateral (select f.session_no, f.trade_date from hist.features_daily f
                           where f.instrument_id = i.instrument_id
                             and f.trade_date >= date_trunc('month', p_from::timestamp)::date and f.trade_date <= p_to
                           order by f.trade_date limit 1) s
      cross join lateral (select f.trade_date from hist.features_daily f
                           where f.instrument_id = i.instrument_id order by f.trade_date desc limit 1) l
      join hist.features_daily b on b.instrument_id = i.instrument_id and b.session_no = greatest(s.session_no - 300, 1)
     where i.market_id = p_market_id
  ),
  month_ends as (
    -- each month's last row of the instrument (the newest row for the month in progress): one index probe per
    -- instrument and month; the feature store's month_high and month_max_gap there are the month's high and largest gap
    select e.*
      from starts s
      cross join generate_series(s.m0, s.m1, interval '1 month') as m(m)
      cross join lateral (select f.instrument_id, f.trade_date, f.adjusted_close, f.session_no as n, f.month_high,
                                 f.month_max_gap, f.s_ret, f.s_ret2, f.n_ret, f.s_dollar_volume
                            from hist.features_daily f
                           where f.instrument_id = s.instrument_id and f.trade_date < m.m + interval '1 month'
                           order by f.trade_date desc limit 1) e
     where e.trade_date >= m.m
  ),
  windows as (
    -- 21- and 252-row windows: differences of the running sums, the rows before found by session number
    select e.instrument_id, e.trade_date, e.adjusted_close, e.n, e.month_high, e.month_max_gap,
           e.s_ret - coalesce(a.s_ret, 0) as a1, e.s_ret2 - coalesce(a.s_ret2, 0) as a2, e.n_ret - coalesce(a.n_ret, 0) as ac,
           e.s_ret - coalesce(b.s_ret, 0) as b1, e.s_ret2 - coalesce(b.s_ret2, 0) as b2, e.n_ret - coalesce(b.n_ret, 0) as bc,
           (e.s_dollar_volume - coalesce(a.s_dollar_volume, 0)) / least(e.n, 21) as adv21,
           (e.s_dollar_volume - coalesce(b.s_dollar_volume, 0)) / least(e.n, 252) as adv252
      from month_ends e
      left join lateral (select f.s_ret, f.s_ret2, f.n_ret, f.s_dollar_volume from hist.features_daily f
                          where f.instrument_id = e.instrument_id and f.session_no = e.n - 21 limit 1) a on true
      left join lateral (select f.s_ret, f.s_ret2, f.n_ret, f.s_dollar_volume from hist.features_daily f
                          where f.instrument_id = e.instrument_id and f.session_no = e.n - 252 limit 1) b on true
  ),
  trail as (
    select m.*,
           max(m.month_high) over (partition by m.instrument_id order by m.trade_date rows between 11 preceding and current row) as high_12m,
           max(m.month_max_gap) over (partition by m.instrument_id order by m.trade_date rows between 2 preceding and current row) as gap_3m,
           count(*) over (partition by m.instrument_id order by m.trade_date rows between 11 preceding and current row) as months
      from windows m
  ),
  at_month_end as (
    select t.instrument_id, t.trade_date,
           t.adjusted_close / t.high_12m - 1 as drawdown,
           case when t.ac > 15 and t.bc > 120 then
             sqrt(greatest(t.a2 - t.a1 ^ 2 / t.ac, 0) / (t.ac - 1)) / nullif(sqrt(greatest(t.b2 - t.b1 ^ 2 / t.bc, 0) / (t.bc - 1)), 0)
           end as vol_ratio,
           t.adv21 / nullif(t.adv252, 0) as liquidity_ratio,
           t.gap_3m
      from trail t
     where t.months >= 6 and t.n >= 126 and t.trade_date between p_from and p_to
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
    delete from runtime.fragility_measures f
     where f.run_id is null and f.model_id = 'FRAG_V1' and f.entity_type = 'INSTRUMENT'
       and f.as_of_date between p_from and p_to
       and f.entity_id in (select instrument_id from hist.instruments where market_id = p_market_id)
    returning 1
  ),
  ins as (
    insert into runtime.fragility_measures (entity_type, entity_id, as_of_date, fragility_score, scenario_losses, metadata, model_id)
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

comment on function core.run_fragility(text, date, date) is
'Fragility engine (model FRAG_V1), per instrument at every month-end session (data up to that session only): drawdown from the 12-month high, volatility spike (21-session over 252-session volatility), liquidity drop (21-session over 252-session average dollar volume) and gap risk (largest open gap of the last 3 months), each mapped to [0, 1]; fragility_score = 0.35 drawdown + 0.30 volatility + 0.15 liquidity + 0.20 gap. Replaces the market-wide rows of the range; returns the row count. Reads hist.features_daily by index probes only: each month''s last row per name (from p_from''s month, and the 13 or more months of the 300 rows before it), and the rows 21 and 252 sessions before those, so the full history costs in proportion to names x months and a refresh of the newest month in proportion to names.';

grant execute on function core.run_fragility(text, date, date) to pycore_writer;

commit;
