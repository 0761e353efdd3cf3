-- Deploy prometheus:views/view_api_fragile_entities_latest_date to pg
-- The latest date of the fragility measures, for the Fragility panel's filter.
begin;

create or replace view api.fragile_entities_latest_date as
select max(f.as_of_date) as as_of_date from runtime.fragility_measures f where f.run_id is null;

comment on view api.fragile_entities_latest_date is 'The latest date with fragility measures (one row; null when there are none).';

notify pgrst, 'reload schema';

commit;
