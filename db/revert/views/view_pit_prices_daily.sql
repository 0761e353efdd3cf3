-- Revert prometheus:views/view_pit_prices_daily from pg
begin;

drop view pit.prices_daily;

commit;
