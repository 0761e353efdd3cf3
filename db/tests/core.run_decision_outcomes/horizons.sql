-- core.run_decision_outcomes: what each decision of a run led to over each horizon (sessions after its close).
begin;
select plan(5);

-- SETUP: a run of five sessions and one decision on the first
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids)
values ('00000000-0000-0000-0000-0000000000b2', 'T', '{}', '2023-01-01', '2023-01-31', '{US_EQ}');
insert into runtime.backtest_daily_equity (run_id, as_of_date, equity, cash, gross_exposure, net_exposure, daily_return)
values ('00000000-0000-0000-0000-0000000000b2', '2023-01-03', 100, 0, 100, 100, 0),
       ('00000000-0000-0000-0000-0000000000b2', '2023-01-04', 110, 0, 110, 110, 0.1),
       ('00000000-0000-0000-0000-0000000000b2', '2023-01-05', 99, 0, 99, 99, -0.1),
       ('00000000-0000-0000-0000-0000000000b2', '2023-01-06', 104, 0, 104, 104, 104.0 / 99 - 1),
       ('00000000-0000-0000-0000-0000000000b2', '2023-01-09', 120, 0, 120, 120, 120.0 / 104 - 1);
insert into runtime.engine_decisions (decision_id, engine_name, run_id, as_of_date)
values ((select run_seq from runtime.backtest_runs where run_id = '00000000-0000-0000-0000-0000000000b2') * 4294967296 + 1, 'PORTFOLIO',
        '00000000-0000-0000-0000-0000000000b2', '2023-01-03');

-- TEST
select is(core.run_decision_outcomes('00000000-0000-0000-0000-0000000000b2', '{3,10}'), 2, 'one row per decision and horizon');
select results_eq($$select horizon_days, round(realized_return::numeric, 10), round(realized_pnl::numeric, 10),
                           round(realized_drawdown::numeric, 10), metadata from runtime.decision_outcomes order by horizon_days$$,
                  $$values (3, 0.04, 4.0, -0.1, '{"complete": true, "sessions_observed": 3}'::jsonb),
                           (10, 0.2, 20.0, -0.1, '{"complete": false, "sessions_observed": 4}'::jsonb)$$,
                  'return and P&L from the decision''s close, the worst drawdown within, and whether the horizon was complete');
select is((select round(realized_vol::numeric, 10) from runtime.decision_outcomes where horizon_days = 3),
          (select round((stddev_samp(x) * sqrt(252))::numeric, 10) from unnest(array[0.1, -0.1, 104.0 / 99 - 1]::float8[]) x),
          'the annualized volatility of the daily returns within the horizon');
select is(core.run_decision_outcomes('00000000-0000-0000-0000-0000000000b2', '{3,10}'), 2, 'running again gives the same rows');
select is((select count(*)::int from runtime.decision_outcomes), 2, 'and replaces them instead of adding');

select * from finish();
rollback;
