-- Deploy prometheus:schema/table_hist_instruments to pg
begin;

create table hist.instruments (
  instrument_id        text primary key check (instrument_id ~ '^[A-Z][A-Z0-9.\-]{0,15}$'),
  market_id            text not null references hist.markets (market_id),
  ticker               text not null check (ticker <> ''),
  name                 text not null check (name <> ''),
  asset_class          text not null default 'EQUITY' check (asset_class in ('EQUITY', 'ETF', 'INDEX')),
  gics_sector          text not null check (gics_sector <> ''),
  gics_sector_2026     text,
  gics_sub_industry_2026 text,
  cik                  bigint check (cik > 0),
  currency             char(3) not null check (currency ~ '^[A-Z]{3}$'),
  exchange_calendar    text not null check (exchange_calendar ~ '^[A-Z0-9]{3,8}$'),
  first_date           date,
  last_date            date,
  adjusted_only_from   date,
  created_at           timestamptz not null default now(),
  check (first_date <= last_date),
  check (adjusted_only_from is null or adjusted_only_from >= first_date)
);
create index instruments_market_id_idx on hist.instruments (market_id);
comment on table hist.instruments is 'Tradable instruments (504 S&P 500 names as of 2021-04). Sectors are GICS as of 2021-04, not point-in-time.';
comment on column hist.instruments.instrument_id is 'Instrument key used in every runtime table; the 2021 ticker symbol (e.g. AAPL, BRK.B).';
comment on column hist.instruments.market_id is 'Market the instrument trades in.';
comment on column hist.instruments.ticker is 'Ticker symbol as of 2021-04 (later symbol changes are mapped back to it).';
comment on column hist.instruments.name is 'Company name.';
comment on column hist.instruments.asset_class is 'EQUITY, ETF or INDEX.';
comment on column hist.instruments.gics_sector is 'GICS sector as of 2021-04 (used for sector caps and exposures).';
comment on column hist.instruments.gics_sector_2026 is 'GICS sector in the 2026 constituents list; null for names that have left the index.';
comment on column hist.instruments.gics_sub_industry_2026 is 'GICS sub-industry in the 2026 constituents list; null for names that have left the index.';
comment on column hist.instruments.cik is 'SEC Central Index Key, where known.';
comment on column hist.instruments.currency is 'Price currency.';
comment on column hist.instruments.exchange_calendar is 'Trading calendar code (hist.trading_days.calendar).';
comment on column hist.instruments.first_date is 'First date with a price row in hist.prices_daily (set by the loader).';
comment on column hist.instruments.last_date is 'Last date with a price row in hist.prices_daily (set by the loader).';
comment on column hist.instruments.adjusted_only_from is 'From this date on the source has only total-return adjusted prices: open/high/low/close are NOT raw, close = adjusted_close, and no corporate actions are recorded. Fine for returns; fills are approximate. Null: raw prices throughout.';
comment on column hist.instruments.created_at is 'When the row was loaded.';

commit;
