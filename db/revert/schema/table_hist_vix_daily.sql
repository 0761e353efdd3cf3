-- Revert prometheus:schema/table_hist_vix_daily from pg
begin;

drop table hist.vix_daily;

commit;
