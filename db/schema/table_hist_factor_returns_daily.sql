-- Deploy prometheus:schema/table_hist_factor_returns_daily to pg
begin;

create table hist.factor_returns_daily (
  model      text not null check (model in ('FF3', 'FF5')),
  trade_date date not null,
  mkt_rf     double precision not null,
  smb        double precision not null,
  hml        double precision not null,
  rmw        double precision,
  cma        double precision,
  rf         double precision not null,
  primary key (model, trade_date),
  check ((model = 'FF5') = (rmw is not null and cma is not null))
);
comment on table hist.factor_returns_daily is 'Fama-French daily factor returns (Kenneth R. French Data Library, CRSP 202408), as simple-return FRACTIONS: the source percent values divided by 100.';
comment on column hist.factor_returns_daily.model is 'FF3 (1926-) or FF5 (1963-) research factors.';
comment on column hist.factor_returns_daily.trade_date is 'Session date.';
comment on column hist.factor_returns_daily.mkt_rf is 'Market excess return (fraction).';
comment on column hist.factor_returns_daily.smb is 'Small minus big (fraction).';
comment on column hist.factor_returns_daily.hml is 'High minus low book-to-market (fraction).';
comment on column hist.factor_returns_daily.rmw is 'Robust minus weak profitability (fraction); FF5 only.';
comment on column hist.factor_returns_daily.cma is 'Conservative minus aggressive investment (fraction); FF5 only.';
comment on column hist.factor_returns_daily.rf is 'Daily risk-free rate, 1-month T-bill (fraction); the platform''s risk-free rate.';

commit;
