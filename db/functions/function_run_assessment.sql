-- Deploy prometheus:functions/function_run_assessment to pg
-- Assessment engine: per instrument and decision date, scores from the feature store
-- at the last session before the decision date (point in time); output reused across runs.
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
-- the cache holds floats as JSON numbers: shortest exact text, so they come back bit for bit
set extra_float_digits = 1
as $$
  with params as (
    select coalesce((p_params ->> 'momentum_lookback_days')::int, 252) as lb,
           coalesce((p_params ->> 'momentum_skip_days')::int, 21) as skip,
           coalesce((p_params ->> 'volatility_window_days')::int, 60) as vw,
           coalesce((p_params ->> 'momentum_weight')::float8, 0.7) as wm
  ),
  k as (
    -- the cache key: the effective parameters (defaults applied), the market and the data version
    select e.eff, e.dv, md5(concat_ws('|', 'ASSESSMENT', p_market_id, e.dv::text, e.eff::text)) as ck
      from (select jsonb_build_object('momentum_lookback_days', p.lb, 'momentum_skip_days', p.skip,
                                      'volatility_window_days', p.vw, 'momentum_weight', p.wm) as eff,
                   coalesce((select max(b.batch_id) from hist.load_batches b), 0) as dv
              from params p) e
  ),
  decisions as (
    -- each decision date and the last session before it: the newest data a decision may use
    select d.as_of_date,
           (select max(t.trade_date) from hist.trading_days t
             where t.calendar = m.calendar and t.trade_date < d.as_of_date) as signal_date
      from (select distinct unnest(p_dates) as as_of_date) d
      cross join (select calendar from hist.markets where market_id = p_market_id) m
  ),
  cached as (
    select c.as_of_date, c.output
      from runtime.engine_cache c, k
     where c.engine = 'ASSESSMENT' and c.cache_key = k.ck
       and c.as_of_date in (select d.as_of_date from decisions d)
  ),
  todo as (
    select d.* from decisions d where not exists (select from cached c where c.as_of_date = d.as_of_date)
  ),
  at_signal as (
    -- features at the signal date; a window over the last k rows is the difference of two rows
    select t.as_of_date, f.instrument_id,
           pr.adjusted_close / ps.adjusted_close - 1 as momentum,
           f.s_ret - coalesce(fv.s_ret, 0) as ws1, f.s_ret2 - coalesce(fv.s_ret2, 0) as ws2,
           f.n_ret - coalesce(fv.n_ret, 0) as nret,
           f.s_ret - coalesce(f20.s_ret, 0) as ws1_20, f.s_ret2 - coalesce(f20.s_ret2, 0) as ws2_20,
           f.n_ret - coalesce(f20.n_ret, 0) as nret_20
      from todo t
      join hist.features_daily f on f.trade_date = t.signal_date
      join hist.instruments i on i.instrument_id = f.instrument_id and i.market_id = p_market_id
      cross join params p
      join hist.features_daily pr on pr.instrument_id = f.instrument_id and pr.session_no = f.session_no - p.skip
      join hist.features_daily ps on ps.instrument_id = f.instrument_id and ps.session_no = f.session_no - p.lb
      left join hist.features_daily fv on fv.instrument_id = f.instrument_id and fv.session_no = f.session_no - p.vw
      left join hist.features_daily f20 on f20.instrument_id = f.instrument_id and f20.session_no = f.session_no - 20
  ),
  stats as (
    select a.as_of_date, a.instrument_id, a.momentum, a.nret,
           case when a.nret > 1 then sqrt(greatest(a.ws2 - a.ws1 ^ 2 / a.nret, 0) / (a.nret - 1)) end * sqrt(252) as volatility,
           case when a.nret_20 > 1 then sqrt(greatest(a.ws2_20 - a.ws1_20 ^ 2 / a.nret_20, 0) / (a.nret_20 - 1)) end * sqrt(252) as volatility_20d,
           a.nret::float8 / (select vw from params) as coverage
      from at_signal a
     where a.nret > 1 and a.nret >= 0.75 * (select vw from params)
  ),
  ranked as (
    select s.*,
           percent_rank() over (partition by s.as_of_date order by s.momentum) as rank_momentum,
           percent_rank() over (partition by s.as_of_date order by s.volatility desc) as rank_low_vol
      from stats s
  ),
  scored as (
    select r.*, p.wm * r.rank_momentum + (1 - p.wm) * r.rank_low_vol as composite
      from ranked r, params p
  ),
  computed as (
    select s.as_of_date, s.instrument_id,
           s.momentum / 12.0 as expected_return,
           2 * s.composite - 1 as score,
           least(1.0, s.coverage) as confidence,
           case when s.composite >= 2.0 / 3 then 'BUY' when s.composite <= 1.0 / 3 then 'SELL' else 'HOLD' end as signal_label,
           jsonb_build_object('momentum_12_1', s.momentum, 'volatility', s.volatility, 'volatility_20d', s.volatility_20d,
                              'rank_momentum', s.rank_momentum, 'rank_low_volatility', s.rank_low_vol,
                              'composite', s.composite) as alpha_components
      from scored s
  ),
  stored as (
    -- what this run computed, for the runs after it (an empty array for a date without scores)
    insert into runtime.engine_cache (engine, cache_key, as_of_date, market_id, params, data_version, output)
    select 'ASSESSMENT', k.ck, t.as_of_date, p_market_id, k.eff, k.dv,
           coalesce(jsonb_agg(to_jsonb(c) - 'as_of_date' order by c.instrument_id) filter (where c.instrument_id is not null), '[]')
      from todo t cross join k
      left join computed c on c.as_of_date = t.as_of_date
     group by t.as_of_date, k.ck, k.eff, k.dv
    on conflict do nothing
  ),
  reused as (
    update runtime.engine_cache c set hits = c.hits + 1
      from k
     where c.engine = 'ASSESSMENT' and c.cache_key = k.ck and c.as_of_date in (select x.as_of_date from cached x)
  ),
  out_rows as (
    select c.* from computed c
    union all
    select x.as_of_date, r.*
      from cached x
      cross join lateral jsonb_to_recordset(x.output) as r(instrument_id text, expected_return float8, score float8,
                                                           confidence float8, signal_label text, alpha_components jsonb)
  ),
  ins as (
    insert into runtime.instrument_scores
      (run_id, model_id, strategy_id, market_id, instrument_id, as_of_date, horizon_days, expected_return,
       score, confidence, signal_label, alpha_components, metadata)
    select p_run_id, 'MOM12_1_LOWVOL_V1', p_strategy_id, p_market_id, o.instrument_id, o.as_of_date, 21,
           o.expected_return, o.score, o.confidence, o.signal_label, o.alpha_components,
           jsonb_build_object('params', p_params)
      from out_rows o
    returning 1
  )
  select count(*)::int from ins;
$$;

comment on function core.run_assessment(uuid, text, text, date[], jsonb) is
'Assessment engine. For each decision date and each instrument of the market, from adjusted closes dated before the decision date: 12-1 momentum (price lookback/skip sessions ago), annualized volatility of daily returns over volatility_window_days sessions (at least 75% of them present), percent ranks, and the composite momentum_weight * rank_momentum + (1 - momentum_weight) * rank_low_volatility. score = 2 * composite - 1 in [-1, 1]. Writes runtime.instrument_scores (model MOM12_1_LOWVOL_V1) and returns the row count. Flagged bad returns are excluded (hist.daily_returns). Reads hist.features_daily at the signal dates only (cost ~ dates x names). Output per decision date is kept in runtime.engine_cache under the effective parameters, market and data version; a later run with the same ones inserts those rows instead of recomputing them (hits counts the reuses).';

grant execute on function core.run_assessment(uuid, text, text, date[], jsonb) to pycore_writer;

commit;
