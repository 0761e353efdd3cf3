-- Deploy prometheus:functions/function_run_start to pg
-- A run begins: registered RUNNING with what was asked and the full config it runs with.
begin;

create or replace function core.run_start(p_strategy_id text, p_config_json jsonb, p_start_date date, p_end_date date,
                                          p_market_ids text[], p_portfolio_id text, p_sleeve_id text,
                                          p_universe_id text default null, p_mode text default 'BACKTEST',
                                          out run_id uuid, out run_seq bigint)
language sql
volatile
set search_path = ''
as $$
  insert into runtime.backtest_runs (strategy_id, config_json, start_date, end_date, market_ids, portfolio_id, sleeve_id,
                                     universe_id, mode, status, started_at)
  values (p_strategy_id, p_config_json, p_start_date, p_end_date, p_market_ids, p_portfolio_id, p_sleeve_id,
          p_universe_id, p_mode, 'RUNNING', now())
  returning backtest_runs.run_id, backtest_runs.run_seq
$$;

comment on function core.run_start(text, jsonb, date, date, text[], text, text, text, text) is
'-> RUNNING: the run service registers a run (strategy, its full validated config, period, markets, portfolio, sleeve, universe, mode) and gets its run_id and run_seq (row ids of its tables are run_seq * 2^32 + k). It then ends with core.run_finish or core.run_fail. Errors: 23514 (a CHECK of runtime.backtest_runs) for an empty strategy or sleeve, a config that is not an object, no market, an end before the start or an unknown mode.';

revoke execute on function core.run_start(text, jsonb, date, date, text[], text, text, text, text) from public;
grant execute on function core.run_start(text, jsonb, date, date, text[], text, text, text, text) to pycore_writer;

commit;
