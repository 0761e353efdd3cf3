-- Deploy prometheus:functions/function_run_universe to pg
-- Universe engine: per decision date, the liquid, priced, seasoned instruments of a
-- market, from the feature store at the last session before the decision date; output reused across runs.
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
-- the cache holds floats as JSON numbers: shortest exact text, so they come back bit for bit
set extra_float_digits = 1
as $$
  with params as (
    select coalesce((p_params ->> 'top_n_liquidity')::int, 200) as top_n,
           coalesce((p_params ->> 'liquidity_window_days')::int, 60) as lw,
           coalesce((p_params ->> 'min_price')::float8, 5.0) as min_price,
           coalesce((p_params ->> 'min_history_days')::int, 252) as min_hist,
           (p_params ->> 'max_fragility')::float8 as max_fragility
  ),
  k as (
    -- the cache key: effective parameters, market, data version and, when fragility filters, the fragility refresh
    select e.eff, e.dv, md5(concat_ws('|', 'UNIVERSE', p_market_id, e.dv::text, e.eff::text, e.fv::text)) as ck
      from (select jsonb_build_object('top_n_liquidity', p.top_n, 'liquidity_window_days', p.lw, 'min_price', p.min_price,
                                      'min_history_days', p.min_hist, 'max_fragility', p.max_fragility) as eff,
                   coalesce((select max(b.batch_id) from hist.load_batches b), 0) as dv,
                   case when p.max_fragility is not null
                        then (select max(m.created_at) from runtime.fragility_measures m) end as fv
              from params p) e
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
  cached as (
    select c.as_of_date, c.output
      from runtime.engine_cache c, k
     where c.engine = 'UNIVERSE' and c.cache_key = k.ck
       and c.as_of_date in (select d.as_of_date from decisions d)
  ),
  todo as (
    select d.* from decisions d where not exists (select from cached c where c.as_of_date = d.as_of_date)
  ),
  ords as (
    select t.trade_date, row_number() over (order by t.trade_date) as ord
      from hist.trading_days t, cal
     where t.calendar = cal.calendar
  ),
  seasoning as (
    -- sessions of history up to each signal date (first_date is a session)
    select d.as_of_date, d.signal_date, i.instrument_id, os.ord - o1.ord + 1 as sessions
      from todo d
      join hist.instruments i on i.market_id = p_market_id and i.first_date <= d.signal_date
      join ords os on os.trade_date = d.signal_date
      join ords o1 on o1.trade_date = i.first_date
  ),
  feats as (
    -- average dollar volume over the window: the difference of two running sums of the feature store
    select t.as_of_date, f.instrument_id, f.close,
           (f.s_dollar_volume - coalesce(fl.s_dollar_volume, 0)) / least(f.session_no, p.lw) as adv
      from todo t
      join hist.features_daily f on f.trade_date = t.signal_date
      join hist.instruments i on i.instrument_id = f.instrument_id and i.market_id = p_market_id
      cross join params p
      left join hist.features_daily fl on fl.instrument_id = f.instrument_id and fl.session_no = f.session_no - p.lw
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
      left join feats f on f.instrument_id = s.instrument_id and f.as_of_date = s.as_of_date
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
  computed as (
    select r.as_of_date, r.instrument_id,
           case when r.liquidity_rank <= (select top_n from params) then 'CORE' else 'EXCLUDED' end as tier,
           coalesce(r.liquidity_rank <= (select top_n from params), false) as included,
           coalesce(r.adv, 0) as score,
           jsonb_build_object('priced', r.priced, 'seasoned', r.seasoned, 'sessions', r.sessions,
                              'above_min_price', r.above_floor, 'last_close', r.close,
                              'avg_dollar_volume', r.adv, 'liquidity_rank', r.liquidity_rank,
                              'fragility_score', r.fragility_score, 'not_fragile', r.not_fragile) as reasons
      from ranked r
  ),
  stored as (
    -- what this run computed, for the runs after it (an empty array for a date without members)
    insert into runtime.engine_cache (engine, cache_key, as_of_date, market_id, params, data_version, output)
    select 'UNIVERSE', k.ck, t.as_of_date, p_market_id, k.eff, k.dv,
           coalesce(jsonb_agg(to_jsonb(c) - 'as_of_date' order by c.instrument_id) filter (where c.instrument_id is not null), '[]')
      from todo t cross join k
      left join computed c on c.as_of_date = t.as_of_date
     group by t.as_of_date, k.ck, k.eff, k.dv
    on conflict do nothing
  ),
  reused as (
    update runtime.engine_cache c set hits = c.hits + 1
      from k
     where c.engine = 'UNIVERSE' and c.cache_key = k.ck and c.as_of_date in (select x.as_of_date from cached x)
  ),
  out_rows as (
    select c.* from computed c
    union all
    select x.as_of_date, r.*
      from cached x
      cross join lateral jsonb_to_recordset(x.output) as r(instrument_id text, tier text, included boolean, score float8,
                                                           reasons jsonb)
  ),
  ins as (
    insert into runtime.universe_members
      (run_id, model_id, universe_id, as_of_date, entity_type, entity_id, tier, included, score, reasons)
    select p_run_id, 'LIQUID_PRICED_SEASONED_V1', p_strategy_id || '_UNIVERSE', o.as_of_date, 'INSTRUMENT', o.instrument_id,
           o.tier, o.included, o.score, o.reasons
      from out_rows o
    returning 1
  )
  select count(*)::int from ins;
$$;

comment on function core.run_universe(uuid, text, text, date[], jsonb) is
'Universe engine. For each decision date, every instrument of the market listed by then is judged from data dated before the decision date: priced on the last session, at least min_history_days sessions since its first price, last close >= min_price, and (when max_fragility is set) its latest fragility score not above it. Those that pass are ranked by average dollar volume over liquidity_window_days sessions; the top_n_liquidity are included (tier CORE). Every judged instrument gets a runtime.universe_members row with its reasons. Returns the row count. Reads hist.features_daily at the signal dates only; output per decision date is kept in runtime.engine_cache (key: effective parameters, market, data version and, with max_fragility, the newest fragility refresh) and reused by later runs with the same ones.';

grant execute on function core.run_universe(uuid, text, text, date[], jsonb) to pycore_writer;

commit;
