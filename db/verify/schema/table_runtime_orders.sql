-- Verify prometheus:schema/table_runtime_orders on pg
select order_id, timestamp, instrument_id, side, order_type, quantity, limit_price, stop_price, status, mode, portfolio_id, decision_id, metadata, run_id, trade_date, filled_quantity, reason
  from runtime.orders where false;
