-- Deploy prometheus:views/view_api_stability_history to pg
begin;

create or replace view api.stability_history as
select s.as_of_date, s.entity_type, s.entity_id, s.overall_score,
       (s.vector_components ->> 'avg_pairwise_correlation_63d')::float8 as avg_pairwise_correlation,
       (s.vector_components ->> 'dispersion_21d')::float8 as dispersion,
       (s.vector_components ->> 'breadth_above_ma200')::float8 as breadth,
       (s.vector_components ->> 'vix_vol_of_vol_21d')::float8 as vol_of_vol,
       s.vector_components
  from runtime.stability_vectors s
 where s.run_id is null;

comment on view api.stability_history is 'Market stability per session: overall_score in [0, 1] (1 = most stable) and its components (average pairwise correlation over 63 sessions, cross-sectional dispersion, breadth above the 200-day average, VIX volatility of volatility).';

notify pgrst, 'reload schema';

commit;
