-- Verify prometheus:schema/table_hist_index_levels on pg
select index_id, trade_date, close from hist.index_levels where false;
