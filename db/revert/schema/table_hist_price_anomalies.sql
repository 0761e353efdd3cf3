-- Revert prometheus:schema/table_hist_price_anomalies from pg
begin;

drop table hist.price_anomalies;

commit;
