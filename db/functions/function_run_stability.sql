-- Deploy prometheus:functions/function_run_stability to pg
-- Stability engine: per session, market-wide stability components and a score in [0, 1].
begin;

create or replace function core.run_stability(p_market_id text default 'US_EQ', p_from date default '1990-01-01', p_to date default '2100-01-01')
returns integer
language sql
volatile
set search_path = ''
set work_mem = '256MB'
as $$
  with bounds as (
    -- the market windows below look back at most 63 dates: 100 sessions before p_from are plenty
    select coalesce((select t.trade_date from hist.trading_days t
                      where t.calendar = (select m.calendar from hist.markets m where m.market_id = p_market_id)
                        and t.trade_date < p_from
                      order by t.trade_date desc offset 99 limit 1), '-infinity'::date) as lb_from
  ),
  per_inst as (
    -- the feature store holds each row's 63-row return sums and 200-row average: no window over the names here
    select f.trade_date, f.ret, f.adjusted_close, f.ma_200 as ma200,
           case when f.ret_n_63 >= 50 then sqrt(greatest(f.ret_sq_sum_63 - f.ret_sum_63 ^ 2 / f.ret_n_63, 0) / (f.ret_n_63 - 1)) end as sigma
      from hist.features_daily f
      join hist.instruments i on i.instrument_id = f.instrument_id and i.market_id = p_market_id
     where f.trade_date >= (select b.lb_from from bounds b) and f.trade_date <= p_to
  ),
  per_date as (
    select p.trade_date,
           avg(p.ret) as rp,
           stddev_samp(p.ret) as dispersion,
           count(p.sigma) as n_sigma, sum(p.sigma) as s_sigma, sum(p.sigma ^ 2) as s_sigma2,
           -- avg() of 1.0 / 0.0 over the names with an average, in float-speed counts: numeric division of a sum of
           -- scale 1 by the count, as avg(numeric) computes it
           round((count(*) filter (where p.adjusted_close > p.ma200))::numeric, 1) / nullif(count(p.ma200), 0) as breadth,
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
    delete from runtime.stability_vectors s
     where s.run_id is null and s.model_id = 'STAB_V1' and s.entity_type = 'MARKET' and s.entity_id = p_market_id
       and s.as_of_date between p_from and p_to
    returning 1
  ),
  ins as (
    insert into runtime.stability_vectors (entity_type, entity_id, as_of_date, vector_components, overall_score, metadata, model_id)
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

comment on function core.run_stability(text, date, date) is
'Stability engine (model STAB_V1), market-wide, per session: average pairwise correlation of daily returns over 63 sessions (from the variance of the equal-weight market and the single-name volatilities), cross-sectional dispersion (21-session mean), breadth (share of names above their 200-day average) and the volatility of VIX (21 sessions of log changes). Each maps linearly to a stress in [0, 1]; overall_score = 1 - their mean (1 = most stable). Replaces the market-wide rows of the range; returns the row count. Reads the rows of hist.features_daily (their stored 63-row return sums and 200-row average) from 100 sessions before p_from only, so a refresh of the newest sessions costs in proportion to them.';

grant execute on function core.run_stability(text, date, date) to pycore_writer;

commit;
