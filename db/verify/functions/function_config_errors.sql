-- Verify prometheus:functions/function_config_errors on pg
select 1 / (not exists (select from core.config_errors('{"type": "object", "properties": {"k": {"type": "integer", "minimum": 1}}}',
                                                        '{"k": 1}')))::int;
