-- Verify prometheus:schema/table_hist_price_anomalies on pg
select instrument_id, trade_date, rule, verdict, exclude_return from hist.price_anomalies where false;
