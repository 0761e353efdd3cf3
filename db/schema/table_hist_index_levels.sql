-- Deploy prometheus:schema/table_hist_index_levels to pg
begin;

create table hist.index_levels (
  index_id   text not null check (index_id ~ '^[A-Z0-9_]{2,16}$'),
  trade_date date not null,
  close      double precision not null check (close > 0),
  primary key (index_id, trade_date)
);
comment on table hist.index_levels is 'Daily closing levels of market indices; SPX is the S&P 500 (^GSPC), 1990 to 2026-02.';
comment on column hist.index_levels.index_id is 'Index code, e.g. SPX.';
comment on column hist.index_levels.trade_date is 'Session date.';
comment on column hist.index_levels.close is 'Closing level (price index, not total return).';

commit;
