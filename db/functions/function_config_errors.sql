-- Deploy prometheus:functions/function_config_errors to pg
-- What is wrong with a strategy config under a JSON Schema (the subset pydantic's StrategyConfig emits), each error
-- with the dotted field path pydantic uses.
begin;

create or replace function core.config_errors(schema jsonb, doc jsonb)
returns table (path text, message text)
language sql
immutable
parallel safe
set search_path = ''
as $$
  select x.path, x.message
    from (select coalesce(nullif(e.path, ''), 'config') as path, e.message
            from core.json_schema_errors(schema, schema, doc, '') e) x
   order by x.path collate "C", x.message collate "C"
$$;

comment on function core.config_errors(jsonb, jsonb) is
'What is wrong with a config document under a JSON Schema (usually core.strategy_config_schema()): one row per error, path (dotted as pydantic names it: portfolio.top_k, portfolio.regime_scaling.CRISIS, a dict key as <key>.[key]; "config" for the whole document) and message (e.g. "must be >= 1"); no rows when it is valid. Implements the JSON-Schema subset pydantic emits: type (integer strictly without a fraction, as the models), properties, required, additionalProperties (false or a schema), propertyNames, enum, const, minimum, maximum, exclusiveMinimum, exclusiveMaximum, pattern, minLength, maxLength, anyOf, $ref to #/$defs, and x-lessThanField (less than the named sibling, when that sibling is valid); absent properties are checked with their default, as the models validate defaults. Raises 0A000 for any other keyword.';

-- the workers check a SQL strategy's params with it before a run
grant execute on function core.config_errors(jsonb, jsonb) to pycore_writer;

commit;
