-- Revert prometheus:schema/table_hist_features_daily from pg
begin;

drop table hist.features_daily;

commit;
