-- Revert prometheus:schema/table_hist_markets from pg
begin;

drop table hist.markets;

commit;
