-- core.regime_as_of on an empty database: nothing to compute, no error.
begin;
select plan(1);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');

select is(core.regime_as_of('2023-01-03'), null, 'no regime known');

select * from finish();
rollback;
