-- Deploy prometheus:functions/function_register_strategy to pg
-- Register a SQL strategy (POST /rpc/register_strategy): the registry row and config version 1.
begin;

create or replace function api.register_strategy(
  strategy_id text,
  function_name text,
  params jsonb default '{}',
  params_schema jsonb default null,
  description text default '',
  config jsonb default '{}'
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_fn regprocedure;
  v_schema jsonb;
  v_params_schema jsonb;
  v_doc jsonb;
  v_errors text;
begin
  if strategy_id is null or strategy_id !~ '^[A-Z][A-Z0-9_]{1,63}$' then
    raise exception 'strategy_id must be 2-64 upper-case letters, digits or "_", starting with a letter' using errcode = '22023';
  end if;
  if exists (select from runtime.strategies s where s.strategy_id = register_strategy.strategy_id) then
    raise exception 'strategy % is already registered', strategy_id using errcode = 'PT409';
  end if;
  v_fn := pg_catalog.to_regprocedure(coalesce(function_name, '') || '(date, jsonb)');
  if v_fn is null then
    raise exception 'no function %(date, jsonb)', function_name using errcode = '22023',
      hint = 'create function strategies.my_idea(as_of date, params jsonb) returns table (instrument_id text, weight double precision) ...';
  end if;
  if pg_catalog.pg_get_function_result(v_fn) <> 'TABLE(instrument_id text, weight double precision)' then
    raise exception '% must return table (instrument_id text, weight double precision), not %', v_fn,
      pg_catalog.pg_get_function_result(v_fn) using errcode = '22023';
  end if;
  if (select p.prosecdef from pg_catalog.pg_proc p where p.oid = v_fn) then
    raise exception '% must be security invoker: a strategy runs with the rights of the sandbox, not its owner''s', v_fn
      using errcode = '22023';
  end if;
  if params is null or jsonb_typeof(params) <> 'object' or config is null or jsonb_typeof(config) <> 'object' then
    raise exception 'params and config must be JSON objects' using errcode = '22023';
  end if;
  v_params_schema := coalesce(params_schema, jsonb_build_object('type', 'object', 'properties',
    jsonb_build_object('max_gross', jsonb_build_object('type', 'number', 'exclusiveMinimum', 0, 'maximum', 1, 'default', 1))));
  if jsonb_typeof(v_params_schema) <> 'object' then
    raise exception 'params_schema must be a JSON Schema object' using errcode = '22023';
  end if;
  v_schema := core.strategy_config_schema();
  v_schema := jsonb_set(v_schema, '{properties,params}', v_params_schema - '$defs', true);
  if v_params_schema ? '$defs' then
    v_schema := jsonb_set(v_schema, '{$defs}', coalesce(v_schema -> '$defs', '{}') || (v_params_schema -> '$defs'), true);
  end if;
  v_doc := core.config_merge(config, jsonb_build_object('strategy_id', strategy_id, 'params', params));
  select string_agg(e.path || ': ' || e.message, '; ') into v_errors from core.config_errors(v_schema, v_doc) e;
  if v_errors is not null then
    raise exception 'invalid strategy config: %', v_errors using errcode = '22023';
  end if;
  execute format('grant execute on function %s to strategy_sandbox', v_fn);
  insert into runtime.strategies (strategy_id, kind, code, config_schema, description, created_by)
  values (strategy_id, 'SQL', v_fn::regproc::text, v_schema, coalesce(description, ''), core.request_actor());
  insert into runtime.strategy_configs (strategy_id, config_json, version, is_active, created_by)
  values (strategy_id, v_doc, 1, true, core.request_actor());
  perform pg_notify('prometheus_strategies', strategy_id);
  return jsonb_build_object('strategy_id', strategy_id, 'kind', 'SQL', 'code', v_fn::regproc::text, 'version', 1,
                            'config', v_doc);
end
$$;

comment on function api.register_strategy(text, text, jsonb, jsonb, text, jsonb) is
'Register a SQL strategy (operator only): function_name names a function (as_of date, params jsonb) returning table (instrument_id text, weight double precision), security invoker, that reads the point-in-time views of schema pit; it then runs in every door as role strategy_sandbox, seeing nothing dated on or after the decision date. params are its default parameters, params_schema the JSON Schema they must satisfy (default: an object whose max_gross, the gross limit of its targets, is in (0, 1]); config overrides the common fields (execution, initial_capital, portfolio.rebalance ...). Writes the registry row and config version 1, returns them. Errors: 400 (22023) a bad id, no such function, a wrong signature, security definer, invalid params; 409 (PT409) the id is taken; 401/403 without the operator role.';

revoke execute on function api.register_strategy(text, text, jsonb, jsonb, text, jsonb) from public;
grant execute on function api.register_strategy(text, text, jsonb, jsonb, text, jsonb) to operator;

notify pgrst, 'reload schema';

commit;
