-- Deploy prometheus:schema/table_hist_price_series to pg
-- Each instrument's daily bars as packed binary columns: a run reads its market data as one row per instrument
-- (a byte range of each column) instead of one COPY tuple per bar.
begin;

create table hist.price_series (
  instrument_id  text primary key references hist.instruments (instrument_id),
  n_rows         integer not null check (n_rows > 0),
  first_date     date not null,
  last_date      date not null check (last_date >= first_date),
  trade_dates    bytea not null check (length(trade_dates) = 4 * n_rows),
  open           bytea not null check (length(open) = 8 * n_rows),
  high           bytea not null check (length(high) = 8 * n_rows),
  low            bytea not null check (length(low) = 8 * n_rows),
  close          bytea not null check (length(close) = 8 * n_rows),
  adjusted_close bytea not null check (length(adjusted_close) = 8 * n_rows),
  volume         bytea not null check (length(volume) = 8 * n_rows),
  batch_id       bigint not null
);
-- uncompressed out-of-line storage: substr() of a column reads only the TOAST chunks of the byte range it asks for
alter table hist.price_series
  alter column trade_dates set storage external, alter column open set storage external,
  alter column high set storage external, alter column low set storage external,
  alter column close set storage external, alter column adjusted_close set storage external,
  alter column volume set storage external;

comment on table hist.price_series is 'Each instrument''s rows of hist.prices_daily as packed binary columns, in date order: value k of every column is the instrument''s k-th price row, which is also its hist.features_daily row with session_no = k + 1. Kept in step with hist.prices_daily by core.refresh_price_series (which core.refresh_features calls); read by the run service (pycore.data.marketdata): a run asks for the byte range of its dates, one row per instrument.';
comment on column hist.price_series.instrument_id is 'Instrument (hist.instruments).';
comment on column hist.price_series.n_rows is 'Number of price rows packed in each column.';
comment on column hist.price_series.first_date is 'Date of the first packed row.';
comment on column hist.price_series.last_date is 'Date of the last packed row: an extension appends the rows after it.';
comment on column hist.price_series.trade_dates is 'Trade dates as big-endian int4 days since 2000-01-01 (PostgreSQL''s binary date), 4 bytes per row.';
comment on column hist.price_series.open is 'Raw opens as big-endian float8 (float8send), 8 bytes per row.';
comment on column hist.price_series.high is 'Raw highs as big-endian float8, 8 bytes per row.';
comment on column hist.price_series.low is 'Raw lows as big-endian float8, 8 bytes per row.';
comment on column hist.price_series.close is 'Raw closes as big-endian float8, 8 bytes per row.';
comment on column hist.price_series.adjusted_close is 'Split- and dividend-adjusted closes as big-endian float8, 8 bytes per row.';
comment on column hist.price_series.volume is 'Volumes (shares) as big-endian float8, 8 bytes per row.';
comment on column hist.price_series.batch_id is 'Newest hist.load_batches batch when the row was last written.';

commit;
