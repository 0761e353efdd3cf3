-- core.strategy_targets runs a SQL strategy as strategy_sandbox: pit shows only rows before the date; hist is refused.
begin;
select plan(6);

-- SETUP: one instrument with bars on 2021-01-04 .. 2021-01-06; three registered strategies
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD') on conflict do nothing;
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar, first_date, last_date)
values ('TSTA', 'US_EQ', 'TSTA', 'Test A', 'Industrials', 'USD', 'XNYS', '2021-01-04', '2021-01-06') on conflict do nothing;
insert into hist.prices_daily (instrument_id, trade_date, open, high, low, close, adjusted_close, volume)
values ('TSTA', '2021-01-04', 10, 10, 10, 10, 10, 100), ('TSTA', '2021-01-05', 11, 11, 11, 11, 11, 100),
       ('TSTA', '2021-01-06', 12, 12, 12, 12, 12, 100);
create function strategies.t_last_close(as_of date, params jsonb) returns table (instrument_id text, weight double precision)
  language sql stable as $$
  select p.instrument_id, p.close / 100 from pit.prices_daily p order by p.trade_date desc limit 1 $$;
create function strategies.t_peek(as_of date, params jsonb) returns table (instrument_id text, weight double precision)
  language sql stable as $$ select p.instrument_id, p.close from hist.prices_daily p where p.trade_date = as_of $$;
create function strategies.t_escape(as_of date, params jsonb) returns table (instrument_id text, weight double precision)
  language plpgsql as $$ begin perform set_config('role', 'pycore_writer', true); return; end $$;
set local role operator;
select api.register_strategy('T_LAST', 'strategies.t_last_close');
select api.register_strategy('T_PEEK', 'strategies.t_peek');
select api.register_strategy('T_ESCAPE', 'strategies.t_escape');
reset role;

-- TEST: the workers may call it
select ok(has_function_privilege('pycore_writer', 'core.strategy_targets(text, date, jsonb)', 'execute'),
          'pycore_writer may run SQL strategies');

-- TEST: the strategy sees the last bar before the decision date, never the decision date's own
select is((select weight from core.strategy_targets('T_LAST', '2021-01-06', '{}')), 0.11::float8,
          'on 2021-01-06 the last visible close is 2021-01-05''s');
select is((select weight from core.strategy_targets('T_LAST', '2021-01-05', '{}')), 0.10::float8,
          'on 2021-01-05 the last visible close is 2021-01-04''s');
-- TEST: reading hist directly is refused, and so is switching roles
select throws_ok($$select * from core.strategy_targets('T_PEEK', '2021-01-06', '{}')$$, '42501',
                 null, 'a strategy that reads hist (the decision date''s close) is refused');
select throws_ok($$select * from core.strategy_targets('T_ESCAPE', '2021-01-06', '{}')$$, '42501',
                 null, 'a strategy cannot switch to another role');
-- TEST: only registered SQL strategies run
select throws_ok($$select * from core.strategy_targets('US_CORE_LONG_EQ', '2021-01-06', '{}')$$, 'PT404',
                 null, 'a strategy that is not SQL is PT404');

select * from finish();
rollback;
