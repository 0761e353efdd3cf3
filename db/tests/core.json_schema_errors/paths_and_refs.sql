-- core.json_schema_errors: the step of core.config_errors: errors under a sub-schema, paths under a prefix, local $refs only.
begin;
select plan(4);

select results_eq($$select path, message from core.json_schema_errors('{"$defs": {"P": {"type": "integer", "minimum": 1}}}',
                                                                      '{"type": "object", "properties": {"n": {"$ref": "#/$defs/P"}}}',
                                                                      '{"n": 0}', 'portfolio')$$,
                  $$values ('portfolio.n', 'must be >= 1')$$,
                  'a $ref resolves in the root schema''s $defs and the path is dotted under the prefix');
select is((select count(*)::int from core.json_schema_errors('{}', '{"type": "integer"}', '3', 'x')), 0, 'a valid value gives no rows');
select throws_ok($$select * from core.json_schema_errors('{}', '{"$ref": "#/$defs/Missing"}', '1', '')$$, '0A000', null,
                 'an unresolvable $ref raises 0A000');
select throws_ok($$select * from core.json_schema_errors('{}', '{"$ref": "http://example.com/s.json"}', '1', '')$$, '0A000', null,
                 'a remote $ref raises 0A000');

select * from finish();
rollback;
