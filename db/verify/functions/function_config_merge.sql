-- Verify prometheus:functions/function_config_merge on pg
select 1 / (core.config_merge('{"a": {"k": 0, "j": 2}}', '{"a": {"k": 1}}') = '{"a": {"k": 1, "j": 2}}')::int;
