-- core.run_universe on an empty database: nothing to compute, no error.
begin;
select plan(1);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');

select is(core.run_universe(null, 'T', 'US_EQ', array['2023-01-03']::date[], '{}'), 0, 'no instruments: no universe');

select * from finish();
rollback;
