-- Deploy prometheus:views/view_pit_instruments to pg
-- Instruments listed before the decision date, without what was learnt later.
begin;

create or replace view pit.instruments as
select i.instrument_id, i.market_id, i.ticker, i.name, i.asset_class, i.gics_sector, i.currency, i.exchange_calendar,
       i.first_date,
       case when i.last_date < nullif(pg_catalog.current_setting('prometheus.as_of', true), '')::date then i.last_date end as last_date
  from hist.instruments i
 where i.first_date < nullif(pg_catalog.current_setting('prometheus.as_of', true), '')::date;

comment on view pit.instruments is 'hist.instruments as of the decision date (setting prometheus.as_of): instruments with a bar before it; last_date only when the instrument had already stopped trading (a later delisting is not known yet).';
comment on column pit.instruments.instrument_id is 'Instrument.';
comment on column pit.instruments.market_id is 'Market.';
comment on column pit.instruments.ticker is 'Ticker.';
comment on column pit.instruments.name is 'Issuer name.';
comment on column pit.instruments.asset_class is 'EQUITY, ETF or INDEX.';
comment on column pit.instruments.gics_sector is 'GICS sector.';
comment on column pit.instruments.currency is 'Trading currency.';
comment on column pit.instruments.exchange_calendar is 'exchange-calendars code.';
comment on column pit.instruments.first_date is 'First bar.';
comment on column pit.instruments.last_date is 'Last bar, when before the decision date; null while it still trades.';

grant select on pit.instruments to strategy_sandbox, pycore_writer;

commit;
