-- core.check_run_rows on the engines' per-run output: a statement's rows are checked once, set-based; rows without a
-- run pass, rows naming a missing run, instrument or market undo the statement.
begin;
select plan(5);

insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD');
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar)
values ('AAA', 'US_EQ', 'AAA', 'A', 'Tech', 'USD', 'XNYS');
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids)
values ('00000000-0000-0000-0000-0000000000a1', 'S', '{}', '2024-01-02', '2024-01-31', '{US_EQ}');

prepare score(uuid, text, text) as
  insert into runtime.instrument_scores (strategy_id, market_id, instrument_id, as_of_date, horizon_days, expected_return,
                                         score, confidence, signal_label, alpha_components, run_id)
  values ('S', $2, $3, '2024-01-02', 21, 0.01, 0.5, 0.5, 'BUY', '{}', $1);

select lives_ok($$execute score('00000000-0000-0000-0000-0000000000a1', 'US_EQ', 'AAA')$$, 'a run''s score of a known instrument and market is stored');
select lives_ok($$execute score(null, 'US_EQ', 'AAA')$$, 'a score outside any run refers to no run and is stored');
select throws_ok($$execute score('00000000-0000-0000-0000-0000000000ff', 'US_EQ', 'AAA')$$, '23503', null, 'a score of a run that does not exist is refused');
select throws_ok($$execute score('00000000-0000-0000-0000-0000000000a1', 'XX', 'AAA')$$, '23503', null, 'a score in a market that does not exist is refused');
select throws_ok($$insert into runtime.universe_members (universe_id, as_of_date, entity_type, entity_id, tier, included, score, reasons, run_id)
                   values ('U', '2024-01-02', 'INSTRUMENT', 'AAA', 'T1', true, 1, '{}', '00000000-0000-0000-0000-0000000000ff')$$,
                 '23503', null, 'a universe member of a run that does not exist is refused');

select * from finish();
rollback;
