-- Verify prometheus:functions/function_config_errors on pg
select 1 / (not exists (select from core.config_errors('{"type": "object", "properties": {"k": {"type": "integer", "minimum": 1}}}',
                                                        core.config_merge('{"k": 0}', '{"k": 1}'))))::int;
