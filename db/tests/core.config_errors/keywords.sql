-- core.config_errors: each JSON-Schema keyword the validator implements, with pydantic's field paths; an unknown keyword raises.
begin;
select plan(30);

-- SETUP: a small schema using every keyword the validator implements, and a shortcut returning "path: message" lines.
create temp table t_schema as select '{
  "type": "object", "additionalProperties": false, "required": ["id"],
  "properties": {
    "id": {"type": "string", "pattern": "^[A-Z]{2,4}$"},
    "name": {"type": "string", "minLength": 2, "maxLength": 3},
    "n": {"type": "integer", "minimum": 1, "maximum": 10, "default": 5},
    "lo": {"type": "integer", "default": 1},
    "hi": {"type": "integer", "default": 3, "x-lessThanField": "n"},
    "w": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "mode": {"type": "string", "enum": ["A", "B"]},
    "k": {"const": "K"},
    "opt": {"anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}]},
    "sub": {"$ref": "#/$defs/Sub"},
    "map": {"type": "object", "additionalProperties": {"type": "number", "maximum": 1}, "propertyNames": {"enum": ["X", "Y"]}}
  },
  "$defs": {"Sub": {"type": "object", "additionalProperties": false, "properties": {"flag": {"type": "boolean"}}}}
}'::jsonb as s;
create function pg_temp.errs(p_doc jsonb) returns text language sql as $$
  select coalesce(string_agg(e.path || ': ' || e.message, '; '), '') from core.config_errors((select s from t_schema), p_doc) e
$$;

-- TEST: valid documents give no rows
select is(pg_temp.errs('{"id": "AB"}'), '', 'a document with only the required field is valid');
select is(pg_temp.errs('{"id": "ABC", "name": "xy", "n": 10, "w": 0.5, "mode": "B", "k": "K", "opt": null, "sub": {"flag": true}, "map": {"X": 1}}'), '',
          'a document using every property within its limits is valid');
select is(pg_temp.errs('{"id": "AB", "n": 6e0, "opt": 3}'), '', '6e0 is an integer (jsonb stores it as 6, so the core reads 6), and anyOf takes its non-null branch');

-- TEST: types
select is(pg_temp.errs('[1]'), 'config: must be an object', 'the whole document must be an object; its path is "config"');
select is(pg_temp.errs('{"id": 12}'), 'id: must be a string', 'a number is not a string');
select is(pg_temp.errs('{"id": "AB", "n": 5.0}'), 'n: must be an integer', '5.0 is not an integer (strict, as the models)');
select is(pg_temp.errs('{"id": "AB", "n": "5"}'), 'n: must be an integer', 'a numeric string is not an integer');
select is(pg_temp.errs('{"id": "AB", "w": true}'), 'w: must be a number', 'a boolean is not a number');
select is(pg_temp.errs('{"id": "AB", "w": 1e400}'), 'w: must be a finite number', 'a number beyond double precision is refused');
select is(pg_temp.errs('{"id": "AB", "sub": {"flag": 1}}'), 'sub.flag: must be a boolean', 'a $ref is followed and the path is dotted');
select is(pg_temp.errs('{"id": "AB", "sub": null}'), 'sub: must be an object', 'a section replaced by null is refused at its path');

-- TEST: required and unknown keys
select is(pg_temp.errs('{}'), 'id: is required', 'a missing required field is named');
select is(pg_temp.errs('{"id": "AB", "nn": 1}'), 'nn: is not a known field (known: hi, id, k, lo, map, mode, n, name, opt, sub, w)',
          'an unknown key is refused with the known ones listed');
select is(pg_temp.errs('{"id": "AB", "sub": {"flg": true}}'), 'sub.flg: is not a known field (known: flag)', 'unknown keys are refused at any depth');

-- TEST: bounds, enum, const, pattern, lengths
select is(pg_temp.errs('{"id": "AB", "n": 0}'), 'n: must be >= 1', 'minimum');
select is(pg_temp.errs('{"id": "AB", "n": 11}'), 'n: must be <= 10', 'maximum');
select is(pg_temp.errs('{"id": "AB", "w": 0}'), 'w: must be > 0', 'exclusiveMinimum refuses the bound itself');
select is(pg_temp.errs('{"id": "AB", "w": 1}'), 'w: must be < 1', 'exclusiveMaximum refuses the bound itself');
select is(pg_temp.errs('{"id": "AB", "mode": "C"}'), 'mode: must be one of A, B', 'enum');
select is(pg_temp.errs('{"id": "AB", "k": "L"}'), 'k: must be "K"', 'const');
select is(pg_temp.errs('{"id": "ab"}'), 'id: must match ^[A-Z]{2,4}$', 'pattern');
select is(pg_temp.errs('{"id": "AB", "name": "x"}'), 'name: must be at least 2 characters', 'minLength');
select is(pg_temp.errs('{"id": "AB", "name": "wxyz"}'), 'name: must be at most 3 characters', 'maxLength');
select is(pg_temp.errs('{"id": "AB", "opt": -1}'), 'opt: must be >= 0', 'X | null reports the errors of X, as pydantic does');

-- TEST: dicts (additionalProperties schema, propertyNames) and several errors at once
select is(pg_temp.errs('{"id": "AB", "map": {"X": 2, "Z": 0.5}}'), 'map.X: must be <= 1; map.Z.[key]: must be one of X, Y',
          'dict values and keys are checked, a key''s path ends in [key] as pydantic''s does');
select is(pg_temp.errs('{"id": 1, "n": 0, "mode": "Q"}'), 'id: must be a string; mode: must be one of A, B; n: must be >= 1',
          'every error is reported, ordered by path');

-- TEST: the cross-field rule x-lessThanField
select is(pg_temp.errs('{"id": "AB", "n": 3}'), 'hi: must be less than n (3)', 'an absent field is checked with its default (hi = 3 is not < 3)');
select is(pg_temp.errs('{"id": "AB", "n": 4, "hi": 4}'), 'hi: must be less than n (4)', 'the rule names the field and the sibling''s value');
select is(pg_temp.errs('{"id": "AB", "n": 0, "hi": 4}'), 'n: must be >= 1', 'the rule is skipped when the sibling is invalid itself (it has its own error)');

-- TEST: a keyword the validator does not implement is an error, never skipped
select throws_ok($$select * from core.config_errors('{"type": "number", "multipleOf": 2}', '3')$$, '0A000', null,
                 'an unknown keyword raises 0A000');

select * from finish();
rollback;
