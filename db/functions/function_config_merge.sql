-- Deploy prometheus:functions/function_config_merge to pg
-- The deep merge of config overrides over a config, as pycore.config.deep_merge.
begin;

create or replace function core.config_merge(base jsonb, override jsonb)
returns jsonb
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  v_out jsonb := base;
  v_key text;
  v_value jsonb;
begin
  if jsonb_typeof(base) is distinct from 'object' or jsonb_typeof(override) is distinct from 'object' then
    raise exception 'core.config_merge merges two JSON objects, got % and %', jsonb_typeof(base), jsonb_typeof(override)
      using errcode = '22023';
  end if;
  for v_key, v_value in select e.key, e.value from jsonb_each(override) e loop
    v_out := v_out || jsonb_build_object(v_key,
      case when jsonb_typeof(v_value) = 'object' and jsonb_typeof(v_out -> v_key) = 'object'
           then core.config_merge(v_out -> v_key, v_value)
           else v_value end);
  end loop;
  return v_out;
end
$$;

comment on function core.config_merge(jsonb, jsonb) is
'Deep merge of config overrides over a config, exactly as pycore.config.deep_merge: a key whose value is an object on both sides is merged recursively; any other value (null included) replaces. Both arguments must be JSON objects (22023 otherwise).';

commit;
