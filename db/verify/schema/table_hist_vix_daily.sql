-- Verify prometheus:schema/table_hist_vix_daily on pg
select trade_date, open, high, low, close from hist.vix_daily where false;
