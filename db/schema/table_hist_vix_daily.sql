-- Deploy prometheus:schema/table_hist_vix_daily to pg
begin;

create table hist.vix_daily (
  trade_date date primary key,
  open       double precision not null check (open > 0),
  high       double precision not null check (high > 0),
  low        double precision not null check (low > 0),
  close      double precision not null check (close > 0),
  check (high >= low)
);
comment on table hist.vix_daily is 'CBOE VIX daily bars (implied 30-day S&P 500 volatility, in volatility points), 1990 to 2026; rows on NYSE holidays are dropped.';
comment on column hist.vix_daily.trade_date is 'Session date.';
comment on column hist.vix_daily.open is 'Opening level.';
comment on column hist.vix_daily.high is 'High level.';
comment on column hist.vix_daily.low is 'Low level.';
comment on column hist.vix_daily.close is 'Closing level.';

commit;
