-- Revert prometheus:schema/table_hist_load_batches from pg
begin;

drop table hist.load_batches;

commit;
