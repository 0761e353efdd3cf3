-- core.config_merge: overrides deep-merged over a config as pycore.config.deep_merge.
begin;
select plan(2);

-- TEST: core.config_merge merges overrides as pycore.config.deep_merge
select is(core.config_merge('{"a": {"b": 1, "c": 2}, "d": 1, "e": {"f": 1}}', '{"a": {"b": 5}, "d": {"x": 1}, "e": null, "g": 7}'),
          '{"a": {"b": 5, "c": 2}, "d": {"x": 1}, "e": null, "g": 7}'::jsonb,
          'objects merge recursively, any other value (null included) replaces');
select throws_ok($$select core.config_merge('{}', '[1]')$$, '22023', null, 'merging a non-object is 22023');

select * from finish();
rollback;
