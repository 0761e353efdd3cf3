-- core.strategy_schema: the schema a strategy's configs are checked against, from the registry.
begin;
select plan(4);

-- TEST: the built-in's is the common schema; an example's adds its params; an unknown id has none
select is(core.strategy_schema('US_CORE_LONG_EQ'), core.strategy_config_schema(), 'the built-in has the common schema');
select ok(core.strategy_schema('XMOM50') -> 'properties' ? 'params', 'XMOM50''s schema has params');
select is((select count(*)::int from core.config_errors(core.strategy_schema('XMOM50'), '{"strategy_id": "XMOM50", "params": {"top_n": 0}}')),
          1, 'a bad XMOM50 param is one error');
select is(core.strategy_schema('NOPE'), null, 'an unknown strategy has no schema');

select * from finish();
rollback;
