-- Revert prometheus:views/view_pit_instruments from pg
begin;

drop view pit.instruments;

commit;
