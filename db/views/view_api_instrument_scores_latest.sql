-- Deploy prometheus:views/view_api_instrument_scores_latest to pg
begin;

-- The newest scores of each strategy: its latest finished run, that run's last decision date.
create or replace view api.instrument_scores_latest as
with strategies as (
  select distinct b.strategy_id from runtime.backtest_runs b where b.status = 'SUCCEEDED'
)
select st.strategy_id, r.run_id, d.as_of_date, s.instrument_id, i.name, i.gics_sector as sector,
       s.score, s.expected_return, s.confidence, s.signal_label, s.horizon_days,
       (s.alpha_components ->> 'momentum_12_1')::float8 as momentum_12_1,
       (s.alpha_components ->> 'volatility')::float8 as volatility,
       (s.alpha_components ->> 'rank_momentum')::float8 as rank_momentum,
       (s.alpha_components ->> 'rank_low_volatility')::float8 as rank_low_volatility,
       coalesce(u.included, false) as in_universe,
       rank() over (partition by st.strategy_id order by s.score desc) as score_rank
  from strategies st
  cross join lateral (
    select b.run_id from runtime.backtest_runs b
     where b.strategy_id = st.strategy_id and b.status = 'SUCCEEDED' order by b.finished_at desc limit 1) r
  cross join lateral (
    select max(x.as_of_date) as as_of_date from runtime.instrument_scores x where x.run_id = r.run_id) d
  join runtime.instrument_scores s on s.run_id = r.run_id and s.as_of_date = d.as_of_date
  join hist.instruments i on i.instrument_id = s.instrument_id
  left join runtime.universe_members u on u.run_id = r.run_id and u.as_of_date = d.as_of_date and u.entity_id = s.instrument_id;

comment on view api.instrument_scores_latest is 'Latest instrument scores of each strategy (from its latest finished run, last decision date): composite score in [-1, 1], expected return, confidence, signal, 12-1 momentum, volatility, ranks, whether the name is in the universe, and the score rank. Sort with order=score.desc.';

notify pgrst, 'reload schema';

commit;
