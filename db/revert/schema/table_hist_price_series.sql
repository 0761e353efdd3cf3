-- Revert prometheus:schema/table_hist_price_series from pg
begin;

drop table hist.price_series;

commit;
