-- Deploy prometheus:functions/function_json_schema_errors to pg
-- One step of the JSON-Schema validator of strategy configs: the errors of a document under a sub-schema.
begin;

create or replace function core.json_schema_errors(p_root jsonb, p_schema jsonb, p_doc jsonb, p_path text)
returns table (path text, message text)
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_unsupported text;
  v_target jsonb;
  v_branch jsonb;
  v_others jsonb[];
  v_type text := p_schema ->> 'type';
  v_props jsonb := coalesce(p_schema -> 'properties', '{}');
  v_extra jsonb := p_schema -> 'additionalProperties';
  v_key text;
  v_value jsonb;
  v_sub jsonb;
  v_sub_path text;
  v_rule text;
  v_bound jsonb;
  v_ok boolean;
  v_other text;
  v_full jsonb;
begin
  -- A keyword this validator does not know would be a rule silently skipped: refuse the schema instead.
  select string_agg(k, ', ') into v_unsupported
    from jsonb_object_keys(p_schema) k
   where k not in ('$ref', '$defs', 'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'enum',
                   'const', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'minLength',
                   'maxLength', 'anyOf', 'default', 'title', 'description', 'x-lessThanField');
  if v_unsupported is not null then
    raise exception 'unsupported JSON Schema keyword(s) % at %', v_unsupported, coalesce(nullif(p_path, ''), 'the root')
      using errcode = '0A000';
  end if;

  -- $ref: only local definitions (#/$defs/Name), as pydantic writes them
  if p_schema ? '$ref' then
    if p_schema ->> '$ref' !~ '^#/\$defs/[^/]+$' then
      raise exception 'unsupported $ref %', p_schema ->> '$ref' using errcode = '0A000';
    end if;
    v_target := p_root #> array['$defs', substr(p_schema ->> '$ref', 9)];
    if v_target is null then
      raise exception 'unresolvable $ref %', p_schema ->> '$ref' using errcode = '0A000';
    end if;
    return query select * from core.json_schema_errors(p_root, v_target, p_doc, p_path);
  end if;

  -- anyOf: valid when one branch is; for X | None (pydantic's Optional) report X's errors, as pydantic does
  if p_schema ? 'anyOf' then
    v_ok := false;
    for v_branch in select e.value from jsonb_array_elements(p_schema -> 'anyOf') e loop
      if not exists (select from core.json_schema_errors(p_root, v_branch, p_doc, p_path)) then
        v_ok := true;
        exit;
      end if;
    end loop;
    if not v_ok then
      select array_agg(e.value) into v_others from jsonb_array_elements(p_schema -> 'anyOf') e where e.value <> '{"type": "null"}';
      if cardinality(v_others) = 1 and jsonb_array_length(p_schema -> 'anyOf') = 2 then
        return query select * from core.json_schema_errors(p_root, v_others[1], p_doc, p_path);
      else
        return query select p_path, 'matches none of the allowed forms';
      end if;
      return;
    end if;
  end if;

  -- type: a wrong type is the only error reported for the value (pydantic does the same)
  if v_type is not null then
    v_ok := case v_type
      when 'object' then jsonb_typeof(p_doc) = 'object'
      when 'string' then jsonb_typeof(p_doc) = 'string'
      when 'boolean' then jsonb_typeof(p_doc) = 'boolean'
      when 'null' then jsonb_typeof(p_doc) = 'null'
      when 'number' then jsonb_typeof(p_doc) = 'number'
      -- strict, as the models: 5 is an integer, 5.0 is not (JSON text without a fraction or exponent)
      when 'integer' then jsonb_typeof(p_doc) = 'number' and scale(p_doc::numeric) = 0
    end;
    if v_ok is null then
      raise exception 'unsupported JSON Schema type %', p_schema -> 'type' using errcode = '0A000';
    end if;
    if not v_ok then
      return query select p_path, 'must be ' || case v_type when 'object' then 'an object' when 'integer' then 'an integer'
                                                              when 'null' then 'null' else 'a ' || v_type end;
      return;
    end if;
    -- numbers are binary doubles in the core
    if v_type = 'number' and abs(p_doc::numeric) > 1.7976931348623157e308 then
      return query select p_path, 'must be a finite number';
      return;
    end if;
  end if;

  if p_schema ? 'enum' and not exists (select from jsonb_array_elements(p_schema -> 'enum') e where e.value = p_doc) then
    return query select p_path, 'must be one of ' || (select string_agg(e.value #>> '{}', ', ') from jsonb_array_elements(p_schema -> 'enum') e);
    return;
  end if;
  if p_schema ? 'const' and p_doc <> p_schema -> 'const' then
    return query select p_path, 'must be ' || (p_schema -> 'const')::text;
    return;
  end if;

  -- bounds: exact for integers, in double precision for numbers (as Python compares a float)
  if jsonb_typeof(p_doc) = 'number' then
    for v_rule, v_bound in select e.key, e.value from jsonb_each(p_schema) e
                            where e.key in ('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum') loop
      v_ok := case when v_type = 'integer' then
                case v_rule when 'minimum' then p_doc::numeric >= v_bound::numeric
                            when 'maximum' then p_doc::numeric <= v_bound::numeric
                            when 'exclusiveMinimum' then p_doc::numeric > v_bound::numeric
                            else p_doc::numeric < v_bound::numeric end
              else
                case v_rule when 'minimum' then p_doc::numeric::float8 >= v_bound::numeric::float8
                            when 'maximum' then p_doc::numeric::float8 <= v_bound::numeric::float8
                            when 'exclusiveMinimum' then p_doc::numeric::float8 > v_bound::numeric::float8
                            else p_doc::numeric::float8 < v_bound::numeric::float8 end
              end;
      if not v_ok then
        return query select p_path, format('must be %s %s',
          case v_rule when 'minimum' then '>=' when 'maximum' then '<=' when 'exclusiveMinimum' then '>' else '<' end, v_bound);
        return;
      end if;
    end loop;
  end if;

  if jsonb_typeof(p_doc) = 'string' then
    if p_schema ? 'minLength' and char_length(p_doc #>> '{}') < (p_schema ->> 'minLength')::int then
      return query select p_path, format('must be at least %s characters', p_schema ->> 'minLength');
      return;
    end if;
    if p_schema ? 'maxLength' and char_length(p_doc #>> '{}') > (p_schema ->> 'maxLength')::int then
      return query select p_path, format('must be at most %s characters', p_schema ->> 'maxLength');
      return;
    end if;
    if p_schema ? 'pattern' and (p_doc #>> '{}') !~ (p_schema ->> 'pattern') then
      return query select p_path, format('must match %s', p_schema ->> 'pattern');
      return;
    end if;
  end if;

  if jsonb_typeof(p_doc) = 'object' then
    return query
      select concat_ws('.', nullif(p_path, ''), r.name), 'is required'
        from jsonb_array_elements_text(coalesce(p_schema -> 'required', '[]')) r(name)
       where not p_doc ? r.name;
    -- absent properties take their defaults, which are checked too (the models validate defaults)
    v_full := coalesce((select jsonb_object_agg(e.key, e.value -> 'default') from jsonb_each(v_props) e
                         where e.value ? 'default' and not p_doc ? e.key), '{}') || p_doc;
    for v_key, v_value in select e.key, e.value from jsonb_each(v_full) e loop
      v_sub_path := concat_ws('.', nullif(p_path, ''), v_key);
      if p_schema ? 'propertyNames' then
        return query select * from core.json_schema_errors(p_root, p_schema -> 'propertyNames', to_jsonb(v_key), v_sub_path || '.[key]');
      end if;
      if v_props ? v_key then
        v_sub := v_props -> v_key;
        if exists (select from core.json_schema_errors(p_root, v_sub, v_value, v_sub_path)) then
          return query select * from core.json_schema_errors(p_root, v_sub, v_value, v_sub_path);
        elsif v_sub ? 'x-lessThanField' then
          -- a cross-field rule: less than the sibling, when the sibling is there and valid itself
          v_other := v_sub ->> 'x-lessThanField';
          if not v_props ? v_other then
            raise exception 'x-lessThanField of % names % which is not a property', v_sub_path, v_other using errcode = '0A000';
          end if;
          if v_full ? v_other
             and not exists (select from core.json_schema_errors(p_root, v_props -> v_other, v_full -> v_other, v_sub_path)) then
            if jsonb_typeof(v_value) <> 'number' or jsonb_typeof(v_full -> v_other) <> 'number' then
              raise exception 'x-lessThanField compares numbers only (at %)', v_sub_path using errcode = '0A000';
            end if;
            if not v_value::numeric < (v_full -> v_other)::numeric then
              return query select v_sub_path, format('must be less than %s (%s)', v_other, v_full -> v_other);
            end if;
          end if;
        end if;
      elsif v_extra = 'false'::jsonb then
        return query select v_sub_path, 'is not a known field (known: '
          || coalesce((select string_agg(k, ', ' order by k) from jsonb_object_keys(v_props) k), 'none') || ')';
      elsif jsonb_typeof(v_extra) = 'object' then
        return query select * from core.json_schema_errors(p_root, v_extra, v_value, v_sub_path);
      end if;
    end loop;
  end if;
end
$$;

comment on function core.json_schema_errors(jsonb, jsonb, jsonb, text) is
'The errors of p_doc against the sub-schema p_schema of the JSON Schema p_root ($ref resolves in p_root''s $defs), each with its dotted field path under p_path. The step of core.config_errors; see there for the keywords. Raises 0A000 for a keyword, type or $ref it does not implement, so a rule is never skipped silently.';

-- the workers check a SQL strategy's params with it before a run
grant execute on function core.json_schema_errors(jsonb, jsonb, jsonb, text) to pycore_writer;

commit;
