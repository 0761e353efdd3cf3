-- Verify prometheus:schema/table_hist_price_series on pg
select instrument_id, n_rows, first_date, last_date, trade_dates, open, high, low, close, adjusted_close, volume, batch_id
  from hist.price_series where false;
