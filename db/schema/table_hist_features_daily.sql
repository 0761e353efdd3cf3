-- Deploy prometheus:schema/table_hist_features_daily to pg
-- The market feature store: what the engines read from price history, computed once per
-- data load (core.refresh_features) instead of once per run. Point in time by construction.
begin;

create table hist.features_daily (
  instrument_id    text not null,
  trade_date       date not null,
  session_no       integer not null check (session_no > 0),
  adjusted_close   double precision not null,
  close            double precision not null,
  ret              double precision,
  excluded         boolean not null,
  s_ret            double precision not null,
  s_ret2           double precision not null,
  n_ret            integer not null check (n_ret >= 0),
  dollar_volume    double precision not null,
  s_dollar_volume  double precision not null,
  s_adjusted_close double precision not null,
  gap              double precision,
  running_high     double precision not null,
  month_high       double precision not null,
  month_max_gap    double precision,
  ret_sum_63       double precision not null,
  ret_sq_sum_63    double precision not null,
  ret_n_63         integer not null check (ret_n_63 >= 0),
  ma_200           double precision,
  batch_id         bigint not null,
  primary key (instrument_id, trade_date),
  unique (instrument_id, session_no)
);
create index features_daily_trade_date_idx on hist.features_daily (trade_date);

comment on table hist.features_daily is 'Market feature store: one row per instrument and price row of hist.prices_daily, holding only what was known at that session''s close (running sums and maxima run from the instrument''s first row up to this one). A moving-window statistic over the last k rows is the difference of two rows: (instrument_id, session_no) and (instrument_id, session_no - k). Written by core.refresh_features when data is loaded (extended row by row from each instrument''s last stored row), read by the engines at their signal dates.';
comment on column hist.features_daily.instrument_id is 'Instrument.';
comment on column hist.features_daily.trade_date is 'Session date.';
comment on column hist.features_daily.session_no is 'Row number of the session in the instrument''s price history, 1 on its first row.';
comment on column hist.features_daily.adjusted_close is 'Adjusted close of the day (hist.prices_daily).';
comment on column hist.features_daily.close is 'Raw close of the day (hist.prices_daily).';
comment on column hist.features_daily.ret is 'Simple return from the previous row''s adjusted close, as hist.daily_returns: null on the first row and on days flagged bad or suspect.';
comment on column hist.features_daily.excluded is 'True when the day is a flagged adjustment error and its return is withheld.';
comment on column hist.features_daily.s_ret is 'Running sum of ret (null counted as 0) up to this row.';
comment on column hist.features_daily.s_ret2 is 'Running sum of ret ^ 2 (null counted as 0) up to this row.';
comment on column hist.features_daily.n_ret is 'Running count of non-null ret up to this row.';
comment on column hist.features_daily.dollar_volume is 'close * volume of the day.';
comment on column hist.features_daily.s_dollar_volume is 'Running sum of dollar_volume up to this row.';
comment on column hist.features_daily.s_adjusted_close is 'Running sum of adjusted_close up to this row (moving averages).';
comment on column hist.features_daily.gap is 'Open gap against the previous row''s close on the adjusted scale: open * (adjusted_close / close) / previous adjusted_close - 1; null on the first row.';
comment on column hist.features_daily.running_high is 'Highest adjusted close up to this row (drawdown = adjusted_close / running_high - 1).';
comment on column hist.features_daily.month_high is 'Highest adjusted close of the calendar month up to this row.';
comment on column hist.features_daily.month_max_gap is 'Largest abs(gap) of the calendar month up to this row (null when none).';
comment on column hist.features_daily.ret_sum_63 is 'Sum of ret over the last 63 rows (this one included): s_ret minus s_ret 63 rows before (0 before the first row). The stability engine''s 63-session volatility, stored because it reads every row.';
comment on column hist.features_daily.ret_sq_sum_63 is 'Sum of ret ^ 2 over the last 63 rows: s_ret2 minus s_ret2 63 rows before.';
comment on column hist.features_daily.ret_n_63 is 'Count of non-null ret over the last 63 rows: n_ret minus n_ret 63 rows before.';
comment on column hist.features_daily.ma_200 is '200-row average of adjusted_close: (s_adjusted_close minus s_adjusted_close 200 rows before) / 200; null before the 200th row.';
comment on column hist.features_daily.batch_id is 'Data version: the newest hist.load_batches.batch_id when the row was computed (0 before any load).';

commit;
