-- Revert prometheus:views/view_hist_daily_returns from pg
begin;

drop view hist.daily_returns;

commit;
