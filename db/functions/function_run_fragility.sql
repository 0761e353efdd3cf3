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
    -- per instrument, its first row in p_from's month and the 300 rows before it: 300 rows span at least 13
    -- months, enough for the 12-month and 3-month trails and the 252-row windows
    select i.instrument_id, s.session_no - 300 as lo
      from hist.instruments i
      cross join lateral (select f.session_no from hist.features_daily f
                           where f.instrument_id = i.instrument_id
                             and f.trade_date >= date_trunc('month', p_from::timestamp)::date and f.trade_date <= p_to
                           order by f.trade_date limit 1) s
     where i.market_id = p_market_id
  ),
  windows as (
    select r.instrument_id, r.trade_date, r.adjusted_close, r.session_no as n, r.month_high, r.month_max_gap,
           lead(r.trade_date) over w as next_date,
           r.s_ret - coalesce(lag(r.s_ret, 21) over w, 0) as a1, r.s_ret2 - coalesce(lag(r.s_ret2, 21) over w, 0) as a2,
           r.n_ret - coalesce(lag(r.n_ret, 21) over w, 0) as ac,
           r.s_ret - coalesce(lag(r.s_ret, 252) over w, 0) as b1, r.s_ret2 - coalesce(lag(r.s_ret2, 252) over w, 0) as b2,
           r.n_ret - coalesce(lag(r.n_ret, 252) over w, 0) as bc,
           (r.s_dollar_volume - coalesce(lag(r.s_dollar_volume, 21) over w, 0)) / least(r.session_no, 21) as adv21,
           (r.s_dollar_volume - coalesce(lag(r.s_dollar_volume, 252) over w, 0)) / least(r.session_no, 252) as adv252
      from starts s
      join hist.features_daily r on r.instrument_id = s.instrument_id and r.session_no >= s.lo
    window w as (partition by r.instrument_id order by r.session_no)
  ),
  month_ends as (
    -- the last row of each month an instrument traded in (the newest row for the month in progress); the feature
    -- store's month_high and month_max_gap there are the month's high and largest gap
    select w.* from windows w
     where w.next_date is null
        or date_trunc('month', w.next_date::timestamp) <> date_trunc('month', w.trade_date::timestamp)
  ),
  trail as (
    select m.*,
           max(m.month_high) over (partition by m.instrument_id order by m.trade_date rows between 11 preceding and current row) as high_12m,
           max(m.month_max_gap) over (partition by m.instrument_id order by m.trade_date rows between 2 preceding and current row) as gap_3m,
           count(*) over (partition by m.instrument_id order by m.trade_date rows between 11 preceding and current row) as months
      from month_ends m
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
'Fragility engine (model FRAG_V1), per instrument at every month-end session (data up to that session only): drawdown from the 12-month high, volatility spike (21-session over 252-session volatility), liquidity drop (21-session over 252-session average dollar volume) and gap risk (largest open gap of the last 3 months), each mapped to [0, 1]; fragility_score = 0.35 drawdown + 0.30 volatility + 0.15 liquidity + 0.20 gap. Replaces the market-wide rows of the range; returns the row count. Reads hist.features_daily from p_from''s month (and the 300 rows before it per name), so a refresh of the newest month costs in proportion to it.';

grant execute on function core.run_fragility(text, date, date) to pycore_writer;

commit;
