-- Revert prometheus:schema/trigger_orders_check_run_rows from pg
begin;

drop trigger orders_check_run_rows on runtime.orders;

commit;
