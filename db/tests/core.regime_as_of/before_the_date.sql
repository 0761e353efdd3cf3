-- core.regime_as_of: the market-wide regime known before a date (what a decision on that date may use).
begin;
select plan(4);

-- SETUP: market-wide regimes on three sessions, and a run's own regime row
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids)
values ('00000000-0000-0000-0000-0000000000b1', 'T', '{}', '2023-01-01', '2023-01-31', '{US_EQ}');
insert into runtime.regimes (as_of_date, region, regime_label, confidence, run_id)
values ('2023-01-03', 'US', 'CALM_BULL', 0.9, null), ('2023-01-04', 'US', 'VOLATILE_BULL', 0.9, null),
       ('2023-01-05', 'US', 'CRISIS', 0.9, null), ('2023-01-05', 'EU', 'CALM_BEAR', 0.9, null),
       ('2023-01-06', 'US', 'CALM_BEAR', 0.9, '00000000-0000-0000-0000-0000000000b1');

-- TEST
select is(core.regime_as_of('2023-01-05'), 'VOLATILE_BULL', 'the latest regime strictly before the date, never the date''s own');
select is(core.regime_as_of('2023-01-09'), 'CRISIS', 'a run''s own regime rows are not the market''s');
select is(core.regime_as_of('2023-01-09', 'EU'), 'CALM_BEAR', 'the region is chosen by its parameter');
select is(core.regime_as_of('2023-01-03'), null, 'nothing known before the first session');

select * from finish();
rollback;
