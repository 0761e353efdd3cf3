-- Revert prometheus:schema/table_hist_prices_daily from pg
begin;

drop table hist.prices_daily;

commit;
