-- Revert prometheus:functions/function_refresh_price_series from pg
begin;

drop function core.refresh_price_series(boolean);

commit;
