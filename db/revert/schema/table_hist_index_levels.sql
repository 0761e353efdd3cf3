-- Revert prometheus:schema/table_hist_index_levels from pg
begin;

drop table hist.index_levels;

commit;
