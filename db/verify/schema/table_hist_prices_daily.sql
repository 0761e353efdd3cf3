-- Verify prometheus:schema/table_hist_prices_daily on pg
select instrument_id, trade_date, open, high, low, close, adjusted_close, volume from hist.prices_daily where false;
