-- The engines on an empty database: nothing to compute, no error.
begin;
select plan(7);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');

select is(core.run_regimes('US_EQ'), 0, 'no index data: no regimes');
select is(core.run_stability('US_EQ'), 0, 'no prices: no stability vectors');
select is(core.run_fragility('US_EQ'), 0, 'no prices: no fragility');
select is(core.run_assessment(null, 'T', 'US_EQ', array['2023-01-03']::date[], '{}'), 0, 'no prices: no scores');
select is(core.run_universe(null, 'T', 'US_EQ', array['2023-01-03']::date[], '{}'), 0, 'no instruments: no universe');
select is(core.regime_as_of('2023-01-03'), null, 'no regime known');
select is(core.run_risk_reports(gen_random_uuid()), 0, 'an unknown run has no risk reports');

select * from finish();
rollback;
