-- Revert prometheus:schema/table_hist_instruments from pg
begin;

drop table hist.instruments;

commit;
