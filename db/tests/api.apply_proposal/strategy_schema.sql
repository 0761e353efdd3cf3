-- api.apply_proposal checks the new config against the strategy's own schema: a user strategy's params move through it.
begin;
select plan(3);

\ir ../fixtures/sqlstate_as.psql

-- SETUP: the market, and two proposals for XMOM50's own parameter params.top_n: one inside its bounds (1..500), one outside
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD') on conflict do nothing;
insert into runtime.meta_config_proposals (strategy_id, market_id, proposal_type, target_component, current_value, proposed_value, confidence_score, rationale)
values ('XMOM50', 'US_EQ', 'PARAMETER_CHANGE', 'params.top_n', '50', '30', 0.5, 'fewer names did better'),
       ('XMOM50', 'US_EQ', 'PARAMETER_CHANGE', 'params.top_n', '50', '0', 0.5, 'no names at all');

-- TEST: a value the schema refuses is 22023 and writes no version; a valid one becomes version 2
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)',
            (select proposal_id from runtime.meta_config_proposals where strategy_id = 'XMOM50' and proposed_value = '0'))),
          '22023', 'params.top_n = 0 breaks XMOM50''s schema: 22023 (400)');
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)',
            (select proposal_id from runtime.meta_config_proposals where strategy_id = 'XMOM50' and proposed_value = '30'))),
          'OK', 'params.top_n = 30 is applied');
select results_eq($$select version, (config_json #>> '{params,top_n}')::int from runtime.strategy_configs
                     where strategy_id = 'XMOM50' order by version$$,
                  $$values (1, 50), (2, 30)$$, 'version 2 carries the new params.top_n, version 1 is kept');

select * from finish();
rollback;
