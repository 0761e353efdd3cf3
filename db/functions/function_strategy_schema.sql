-- Deploy prometheus:functions/function_strategy_schema to pg
-- The parameter schema of one strategy, from the registry.
begin;

create or replace function core.strategy_schema(strategy_id text)
returns jsonb
language sql
stable
security definer  -- the built-in's schema function is not the callers' to execute
set search_path = ''
as $$
  select coalesce(s.config_schema, core.strategy_config_schema())
    from runtime.strategies s
   where s.strategy_id = strategy_schema.strategy_id
$$;

comment on function core.strategy_schema(text) is
'The JSON Schema a config of strategy_id must satisfy (core.config_errors(core.strategy_schema(id), doc)): the registry''s config_schema, which adds the strategy''s own params to the common fields, or core.strategy_config_schema() for the built-in; null for an unknown strategy.';

revoke execute on function core.strategy_schema(text) from public;
grant execute on function core.strategy_schema(text) to pycore_writer;

commit;
