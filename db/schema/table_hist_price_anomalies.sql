-- Deploy prometheus:schema/table_hist_price_anomalies to pg
begin;

create table hist.price_anomalies (
  instrument_id  text not null references hist.instruments (instrument_id),
  trade_date     date not null,
  prev_close     double precision,
  close          double precision,
  adjusted_close double precision,
  dividend       double precision,
  split_coef     double precision,
  adj_ret        double precision,
  raw_total_ret  double precision,
  rule           text not null check (rule <> ''),
  verdict        text not null check (verdict in ('ok', 'bad', 'suspect', 'review')),
  verdict_text   text not null,
  exclude_return boolean generated always as (verdict in ('bad', 'suspect')) stored,
  primary key (instrument_id, trade_date)
);
comment on table hist.price_anomalies is 'Flagged ticker-days from the data set''s QA (us_eq_qa_anomalies.csv). Rows with exclude_return are adjustment errors: treat that day''s adjusted return as missing (hist.daily_returns does).';
comment on column hist.price_anomalies.instrument_id is 'Instrument (hist.instruments).';
comment on column hist.price_anomalies.trade_date is 'The flagged session.';
comment on column hist.price_anomalies.prev_close is 'Raw close of the previous session.';
comment on column hist.price_anomalies.close is 'Raw close of the flagged session.';
comment on column hist.price_anomalies.adjusted_close is 'Adjusted close of the flagged session.';
comment on column hist.price_anomalies.dividend is 'Dividend on the flagged session.';
comment on column hist.price_anomalies.split_coef is 'Split ratio on the flagged session.';
comment on column hist.price_anomalies.adj_ret is 'Return from adjusted closes (fraction).';
comment on column hist.price_anomalies.raw_total_ret is 'Return from raw closes, dividend and split (fraction).';
comment on column hist.price_anomalies.rule is 'QA rule that flagged the day.';
comment on column hist.price_anomalies.verdict is 'ok (genuine move), bad (adjustment error), suspect (likely error) or review (undecided).';
comment on column hist.price_anomalies.verdict_text is 'The reviewer''s explanation.';
comment on column hist.price_anomalies.exclude_return is 'True for bad and suspect: the day''s adjusted return must not be used.';

commit;
