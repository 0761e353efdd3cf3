-- Deploy prometheus:schema/table_hist_markets to pg
begin;

create table hist.markets (
  market_id  text primary key check (market_id ~ '^[A-Z][A-Z0-9_]{1,31}$'),
  name       text not null check (name <> ''),
  region     text not null check (region <> ''),
  timezone   text not null check (timezone <> ''),
  calendar   text not null check (calendar ~ '^[A-Z0-9]{3,8}$'),
  currency   char(3) not null check (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null default now()
);
comment on table hist.markets is 'Markets the platform trades: a market groups instruments that share a calendar and a currency (e.g. US_EQ on XNYS in USD).';
comment on column hist.markets.market_id is 'Market code used everywhere (strategy configs, CLI, API), e.g. US_EQ.';
comment on column hist.markets.name is 'Human-readable market name.';
comment on column hist.markets.region is 'Region code of the market, e.g. US.';
comment on column hist.markets.timezone is 'IANA time zone of the exchange, e.g. America/New_York.';
comment on column hist.markets.calendar is 'exchange-calendars code of the trading calendar, e.g. XNYS; its sessions are in hist.trading_days.';
comment on column hist.markets.currency is 'ISO 4217 currency of prices in this market.';
comment on column hist.markets.created_at is 'When the row was loaded.';

commit;
