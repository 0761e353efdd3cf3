-- Deploy prometheus:views/view_pit_vix_daily to pg
-- VIX bars dated before the decision date.
begin;

create or replace view pit.vix_daily as
select v.trade_date, v.open, v.high, v.low, v.close
  from hist.vix_daily v
 where v.trade_date < nullif(pg_catalog.current_setting('prometheus.as_of', true), '')::date;

comment on view pit.vix_daily is 'hist.vix_daily as of the decision date (setting prometheus.as_of): VIX bars strictly before it.';
comment on column pit.vix_daily.trade_date is 'Session date, before the decision date.';
comment on column pit.vix_daily.open is 'Opening level.';
comment on column pit.vix_daily.high is 'High level.';
comment on column pit.vix_daily.low is 'Low level.';
comment on column pit.vix_daily.close is 'Closing level.';

grant select on pit.vix_daily to strategy_sandbox, pycore_writer;

commit;
