-- Revert prometheus:schema/table_runtime_target_portfolios from pg
begin;

drop table runtime.target_portfolios;

commit;
