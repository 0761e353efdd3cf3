-- Deploy prometheus:functions/function_regime_as_of to pg
-- The market regime a decision may use: the latest one known before its date.
begin;

create or replace function core.regime_as_of(p_date date, p_region text default 'US')
returns text
language sql
stable
set search_path = ''
as $$
  select r.regime_label from runtime.regimes r
   where r.region = p_region and r.run_id is null and r.as_of_date < p_date
   order by r.as_of_date desc limit 1
$$;

comment on function core.regime_as_of(date, text) is
'The market-wide regime label known before p_date (the latest session strictly before it): what a decision on p_date may use.';

grant execute on function core.regime_as_of(date, text) to pycore_writer;

commit;
