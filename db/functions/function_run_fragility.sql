-- Deploy prometheus:functions/function_run_fragility to pg
-- Fragility engine: per instrument, at every month-end session, components and a score in [0, 1].
begin;

create or replace function core.run_fragility(p_market_id text default 'US_EQ', p_from date default '1990-01-01', p_to date default '2100-01-01')
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
'Fragility engine (model FRAG_V1), per instrument at every month-end session (data up to that session only): drawdown from the 12-month high, volatility spike (21-session over 252-session volatility), liquidity drop (21-session over 252-session average dollar volume) and gap risk (largest open gap of the last 3 months), each mapped to [0, 1]; fragility_score = 0.35 drawdown + 0.30 volatility + 0.15 liquidity + 0.20 gap. Replaces the market-wide rows of the range; returns the row count.';

grant execute on function core.run_fragility(text, date, date) to pycore_writer;

commit;
