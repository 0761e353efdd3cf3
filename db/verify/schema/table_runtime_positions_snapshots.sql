-- Verify prometheus:schema/table_runtime_positions_snapshots on pg
select snapshot_id, portfolio_id, timestamp, as_of_date, instrument_id, quantity, avg_cost, market_value, unrealized_pnl, mode, run_id, last_price, weight, metadata
  from runtime.positions_snapshots where false;
