-- Revert prometheus:schema/table_hist_factor_returns_daily from pg
begin;

drop table hist.factor_returns_daily;

commit;
