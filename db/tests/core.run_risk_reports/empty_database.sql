-- core.run_risk_reports on an empty database: nothing to compute, no error.
begin;
select plan(2);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');

select is(core.run_risk_reports(gen_random_uuid()), 0, 'an unknown run has no risk reports');
select is(core.run_risk_reports(gen_random_uuid(), 252, date '2020-01-01', date '2020-06-30'), 0,
          'nor in a date range of its rebalance dates');

select * from finish();
rollback;
