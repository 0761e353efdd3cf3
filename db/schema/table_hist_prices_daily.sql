-- Deploy prometheus:schema/table_hist_prices_daily to pg
begin;

create table hist.prices_daily (
  instrument_id  text not null references hist.instruments (instrument_id),
  trade_date     date not null,
  open           double precision not null check (open > 0),
  high           double precision not null check (high > 0),
  low            double precision not null check (low > 0),
  close          double precision not null check (close > 0),
  adjusted_close double precision not null check (adjusted_close > 0),
  volume         bigint not null check (volume >= 0),
  primary key (instrument_id, trade_date),
  check (high >= low and high >= open and high >= close and low <= open and low <= close)
);
create index prices_daily_trade_date_idx on hist.prices_daily (trade_date);
comment on table hist.prices_daily is 'Daily bars per instrument: raw OHLC as traded (not adjusted for later splits or dividends) plus the split- and dividend-adjusted close for returns. Loaded by binary COPY.';
comment on column hist.prices_daily.instrument_id is 'Instrument (hist.instruments).';
comment on column hist.prices_daily.trade_date is 'Session date (an XNYS session).';
comment on column hist.prices_daily.open is 'Raw opening price in the instrument currency (adjusted after instruments.adjusted_only_from).';
comment on column hist.prices_daily.high is 'Raw high price.';
comment on column hist.prices_daily.low is 'Raw low price.';
comment on column hist.prices_daily.close is 'Raw closing price.';
comment on column hist.prices_daily.adjusted_close is 'Close adjusted for splits and cash dividends (spin-offs as cash), chained across the 2021-04-21 seam; use it for returns. adjusted_close/close is the adjustment factor.';
comment on column hist.prices_daily.volume is 'Shares traded, raw (not split-adjusted).';

commit;
