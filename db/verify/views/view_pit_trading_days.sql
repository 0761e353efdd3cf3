-- Verify prometheus:views/view_pit_trading_days on pg
select calendar, trade_date from pit.trading_days where false;
