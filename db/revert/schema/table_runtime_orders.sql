-- Revert prometheus:schema/table_runtime_orders from pg
begin;

drop table runtime.orders;

commit;
