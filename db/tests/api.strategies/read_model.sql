-- api.strategies: every registered strategy with its kind, active config and schema; readable by web_anon.
begin;
select plan(4);

-- TEST: the built-in and the examples of a fresh database
select has_view('api', 'strategies', 'api.strategies exists');
select set_eq($$select strategy_id, kind from api.strategies$$,
              $$values ('US_CORE_LONG_EQ', 'BUILTIN'), ('XMOM50', 'PYTHON'), ('SECTOR_MOM3', 'PYTHON'), ('LOWVOL100', 'SQL')$$,
              'the built-in and the three examples are registered');
select ok((select bool_and(config_schema -> 'properties' ? 'params') from api.strategies where kind <> 'BUILTIN'),
          'every user strategy''s schema has its own params');
select ok(has_table_privilege('web_anon', 'api.strategies', 'select'), 'web_anon may read the registry');

select * from finish();
rollback;
