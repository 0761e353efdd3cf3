-- Deploy prometheus:functions/function_run_universe to pg
-- Universe engine: per decision date, the liquid, priced, seasoned instruments of a
-- market, from data dated strictly before the decision date.
begin;

create or replace function core.run_universe(
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
    insert into runtime.universe_members
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

comment on function core.run_universe(uuid, text, text, date[], jsonb) is
'Universe engine. For each decision date, every instrument of the market listed by then is judged from data dated before the decision date: priced on the last session, at least min_history_days sessions since its first price, last close >= min_price, and (when max_fragility is set) its latest fragility score not above it. Those that pass are ranked by average dollar volume over liquidity_window_days sessions; the top_n_liquidity are included (tier CORE). Every judged instrument gets a runtime.universe_members row with its reasons. Returns the row count.';

grant execute on function core.run_universe(uuid, text, text, date[], jsonb) to pycore_writer;

commit;
