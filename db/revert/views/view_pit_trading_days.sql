-- Revert prometheus:views/view_pit_trading_days from pg
begin;

drop view pit.trading_days;

commit;
