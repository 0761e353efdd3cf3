-- Deploy prometheus:views/view_pit_prices_daily to pg
-- Daily bars dated strictly before the decision date.
begin;

create or replace view pit.prices_daily as
select p.instrument_id, p.trade_date, p.open, p.high, p.low, p.close, p.adjusted_close, p.volume
  from hist.prices_daily p
 where p.trade_date < nullif(pg_catalog.current_setting('prometheus.as_of', true), '')::date;

comment on view pit.prices_daily is 'hist.prices_daily as of the decision date (setting prometheus.as_of; no rows when it is not set): only bars dated strictly before it. Filter on trade_date (e.g. trade_date >= current_setting(''prometheus.as_of'')::date - 400) to read a window fast.';
comment on column pit.prices_daily.instrument_id is 'Instrument.';
comment on column pit.prices_daily.trade_date is 'Session date, before the decision date.';
comment on column pit.prices_daily.open is 'Raw opening price.';
comment on column pit.prices_daily.high is 'Raw high.';
comment on column pit.prices_daily.low is 'Raw low.';
comment on column pit.prices_daily.close is 'Raw close.';
comment on column pit.prices_daily.adjusted_close is 'Split- and dividend-adjusted close (for returns).';
comment on column pit.prices_daily.volume is 'Shares traded.';

grant select on pit.prices_daily to strategy_sandbox, pycore_writer;

commit;
