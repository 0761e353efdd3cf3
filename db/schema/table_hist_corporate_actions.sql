-- Deploy prometheus:schema/table_hist_corporate_actions to pg
begin;

create table hist.corporate_actions (
  instrument_id text not null references hist.instruments (instrument_id),
  ex_date       date not null,
  dividend      double precision not null default 0 check (dividend >= 0),
  split_coef    double precision not null default 1 check (split_coef > 0),
  primary key (instrument_id, ex_date),
  check (dividend > 0 or split_coef <> 1)
);
comment on table hist.corporate_actions is 'Cash dividends and splits on their ex-dates (raw per-share cash; spin-offs recorded as cash dividends). One row per instrument and ex-date.';
comment on column hist.corporate_actions.instrument_id is 'Instrument (hist.instruments).';
comment on column hist.corporate_actions.ex_date is 'Ex-date: holders at the previous close receive the dividend; quantities change by the split ratio at the open.';
comment on column hist.corporate_actions.dividend is 'Cash per share before the split of the same day, in the instrument currency; 0 when none.';
comment on column hist.corporate_actions.split_coef is 'Split ratio: 2.0 means every share becomes two; 1 when none.';

commit;
