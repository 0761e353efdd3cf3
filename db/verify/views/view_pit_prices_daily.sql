-- Verify prometheus:views/view_pit_prices_daily on pg
select instrument_id, trade_date, open, high, low, close, adjusted_close, volume from pit.prices_daily where false;
