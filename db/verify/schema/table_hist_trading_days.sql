-- Verify prometheus:schema/table_hist_trading_days on pg
select calendar, trade_date from hist.trading_days where false;
