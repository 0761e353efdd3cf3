-- Verify prometheus:functions/function_run_tables on pg
select 1 / (cardinality(core.run_tables()) > 0)::int;
