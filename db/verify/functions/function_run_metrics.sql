-- Verify prometheus:functions/function_run_metrics on pg
select 1 / (core.run_metrics('00000000-0000-0000-0000-000000000000') = '{}')::int;
