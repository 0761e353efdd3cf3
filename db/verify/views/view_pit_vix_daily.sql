-- Verify prometheus:views/view_pit_vix_daily on pg
select trade_date, open, high, low, close from pit.vix_daily where false;
