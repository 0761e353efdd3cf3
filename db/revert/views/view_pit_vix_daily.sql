-- Revert prometheus:views/view_pit_vix_daily from pg
begin;

drop view pit.vix_daily;

commit;
