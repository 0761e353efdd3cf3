-- Deploy prometheus:views/view_api_fragile_entities to pg
begin;

create or replace view api.fragile_entities as
select f.as_of_date, f.entity_type, f.entity_id, i.name, i.gics_sector, f.fragility_score,
       rank() over (partition by f.as_of_date order by f.fragility_score desc) as fragility_rank,
       (f.scenario_losses ->> 'drawdown_from_12m_high')::float8 as drawdown_from_high,
       (f.scenario_losses ->> 'volatility_spike_21d_vs_252d')::float8 as volatility_spike,
       (f.scenario_losses ->> 'liquidity_21d_vs_252d')::float8 as liquidity_ratio,
       (f.scenario_losses ->> 'max_gap_3m')::float8 as max_gap_3m,
       f.scenario_losses as components
  from runtime.fragility_measures f
  left join hist.instruments i on i.instrument_id = f.entity_id and f.entity_type = 'INSTRUMENT'
 where f.run_id is null;

comment on view api.fragile_entities is 'Fragility per instrument at month-end sessions with its components and its rank that day (1 = most fragile). The Fragility panel lists as_of_date=eq.<latest>&order=fragility_score.desc&limit=20; the latest date is api.fragile_entities_latest_date.';

notify pgrst, 'reload schema';

commit;
