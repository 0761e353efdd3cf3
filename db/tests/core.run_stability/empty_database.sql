-- core.run_stability on an empty database: nothing to compute, no error.
begin;
select plan(1);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');

select is(core.run_stability('US_EQ'), 0, 'no prices: no stability vectors');

select * from finish();
rollback;
