-- Verify prometheus:schema/table_runtime_fills on pg
select fill_id, order_id, timestamp, instrument_id, side, quantity, price, commission, mode, metadata, run_id, trade_date, slippage
  from runtime.fills where false;
