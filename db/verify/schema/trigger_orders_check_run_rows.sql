-- Verify prometheus:schema/trigger_orders_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'orders_check_run_rows' and tgrelid = 'runtime.orders'::regclass;
