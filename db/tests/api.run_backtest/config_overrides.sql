-- api.run_backtest validates config_overrides at submission, by the strategy schema: 22023 naming the field, and no job.
begin;
select plan(16);

-- SETUP: one market and one instrument priced 2020-01-02 .. 2021-12-31; a helper that submits as the operator (with the
-- JWT claims PostgREST would set) and returns "SQLSTATE: message", or OK.
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD') on conflict do nothing;
insert into hist.instruments (instrument_id, market_id, ticker, name, gics_sector, currency, exchange_calendar, first_date, last_date)
values ('TSTA', 'US_EQ', 'TSTA', 'Test A', 'Industrials', 'USD', 'XNYS', '2020-01-02', '2021-12-31')
on conflict do nothing;

create function pg_temp.submit(p_overrides text) returns text language plpgsql as $$
declare v text := 'OK';
begin
  begin
    perform set_config('request.jwt.claims', json_build_object('role', 'operator', 'sub', 'tester')::text, true);
    set local role operator;
    perform api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', array['US_EQ'], p_overrides::jsonb);
    reset role;
  exception when others then
    v := sqlstate || ': ' || sqlerrm;
  end;
  return v;
end $$;
create function pg_temp.jobs() returns int language sql as $$
  select ((select count(*) from runtime.jobs) + (select count(*) from public.procrastinate_jobs))::int
$$;

-- TEST: the issue's override, unknown keys and the other kinds of rule are refused with 22023, naming the field
select is(pg_temp.submit('{"portfolio": {"top_k": -5}}'), '22023: invalid strategy config: portfolio.top_k: must be >= 1',
          'top_k -5 is 22023 (400) and names portfolio.top_k');
select matches(pg_temp.submit('{"portfolio": {"top_kk": 5}}'), '^22023: invalid strategy config: portfolio\.top_kk: is not a known field',
               'an unknown key is 22023 and names it');
select matches(pg_temp.submit('{"not_a_section": {}}'), '^22023: invalid strategy config: not_a_section: is not a known field',
               'an unknown top-level key is 22023');
select is(pg_temp.submit('{"assessment": {"momentum_lookback_days": 60, "momentum_skip_days": 60}}'),
          '22023: invalid strategy config: assessment.momentum_skip_days: must be less than momentum_lookback_days (60)',
          'the cross-field rule is 22023 and names the field');
select is(pg_temp.submit('{"assessment": {"momentum_lookback_days": 21}}'),
          '22023: invalid strategy config: assessment.momentum_skip_days: must be less than momentum_lookback_days (21)',
          'the rule holds against the stored value of the sibling (skip 21) after the deep merge');
select is(pg_temp.submit('{"portfolio": {"regime_scaling": {"CRISIS": 1.5}}}'),
          '22023: invalid strategy config: portfolio.regime_scaling.CRISIS: must be <= 1', 'a regime scale above 1 is 22023');
select is(pg_temp.submit('{"portfolio": {"regime_scaling": {"CRISES": 0.5}}}'),
          '22023: invalid strategy config: portfolio.regime_scaling.CRISES.[key]: must be one of CALM_BULL, VOLATILE_BULL, CALM_BEAR, VOLATILE_BEAR, CRISIS',
          'a regime label the engine does not produce is 22023');
select is(pg_temp.submit('{"portfolio": {"top_k": 10.0}}'), '22023: invalid strategy config: portfolio.top_k: must be an integer',
          '10.0 for an integer is 22023, as the core refuses it');
select is(pg_temp.submit('{"execution": null}'), '22023: invalid strategy config: execution: must be an object', 'a section set to null is 22023');
select is(pg_temp.submit('{"portfolio": {"top_k": 0, "weighting": "equal"}}'),
          '22023: invalid strategy config: portfolio.top_k: must be >= 1; portfolio.weighting: must be one of EQUAL, INVERSE_VOL',
          'every error is named in one message');
select is(pg_temp.submit('{"market_id": "us_eq"}'), '22023: invalid strategy config: market_id: must match ^[A-Z][A-Z0-9_]{1,31}$',
          'a malformed market_id override is refused before the requested market replaces it, as the core does');
select is(pg_temp.jobs(), 0, 'refused submissions leave no job behind, neither in runtime.jobs nor in procrastinate_jobs');

-- TEST: good overrides still give a job, with the overrides as given
select is(pg_temp.submit('{"portfolio": {"top_k": 20, "max_weight": 1, "regime_scaling": {"CRISIS": 0.3}}, "assessment": {"momentum_lookback_days": 126}}'), 'OK',
          'a valid override (an integer where a number is asked, a known regime label) is accepted');
select results_eq($$select (j.params #>> '{config_overrides,portfolio,top_k}')::int, q.status::text
                      from runtime.jobs j join public.procrastinate_jobs q on q.id = j.queue_job_id$$,
                  $$values (20, 'todo')$$, 'the job and its queue entry exist, with the override');

-- TEST: a stored config that the rules refuse is refused at submission too (the worker would fail on it)
update runtime.strategy_configs set config_json = jsonb_set(config_json, '{portfolio,max_weight}', '0')
 where strategy_id = 'US_CORE_LONG_EQ' and is_active;
select is(pg_temp.submit('{"portfolio": {"top_k": 30}}'), '22023: invalid strategy config: portfolio.max_weight: must be > 0',
          'an invalid stored config is 22023 and names the field');
select is(pg_temp.submit('{"portfolio": {"max_weight": 0.2}}'), 'OK', 'an override that repairs it is accepted');

select * from finish();
rollback;
