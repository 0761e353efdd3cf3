-- Deploy prometheus:functions/function_check_run_rows to pg
-- The set-based reference check of the bulk-loaded run tables: once per COPY or INSERT statement, not per row.
begin;

create or replace function core.check_run_rows()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_missing text;
  v_arg text;
begin
  -- every distinct run of the statement's rows must be a run (the per-row foreign key this replaces looked each row
  -- up); rows without a run (market-wide engine output) refer to none
  select string_agg(n.run_id::text, ', ') into v_missing
    from (select distinct r.run_id from new_rows r where r.run_id is not null) n
   where not exists (select from runtime.backtest_runs b where b.run_id = n.run_id);
  if v_missing is not null then
    raise exception 'rows of %.% refer to no run: run_id %', tg_table_schema, tg_table_name, v_missing
      using errcode = '23503';
  end if;
  foreach v_arg in array coalesce(tg_argv, '{}'::text[]) loop
    if v_arg = 'instrument_id' then
      select string_agg(n.instrument_id, ', ') into v_missing
        from (select distinct r.instrument_id from new_rows r where r.instrument_id is not null) n
       where not exists (select from hist.instruments i where i.instrument_id = n.instrument_id);
    elsif v_arg = 'market_id' then
      select string_agg(n.market_id, ', ') into v_missing
        from (select distinct r.market_id from new_rows r where r.market_id is not null) n
       where not exists (select from hist.markets m where m.market_id = n.market_id);
    else
      raise exception 'core.check_run_rows: unknown column % (trigger of %.%)', v_arg, tg_table_schema, tg_table_name
        using errcode = '22023';
    end if;
    if v_missing is not null then
      raise exception 'rows of %.% refer to no %: % %', tg_table_schema, tg_table_name,
        case v_arg when 'instrument_id' then 'instrument' else 'market' end, v_arg, v_missing
        using errcode = '23503';
    end if;
  end loop;
  return null;
end
$$;

comment on function core.check_run_rows() is
'Statement-level AFTER INSERT trigger (REFERENCING NEW TABLE AS new_rows) of the tables a run bulk-loads by COPY (orders, fills, positions_snapshots, executed_actions, backtest_trades, backtest_daily_equity, target_portfolios) and of the engines'' per-run output (instrument_scores, universe_members): checks, once per statement and set-based, that every run_id of the new rows is a run of runtime.backtest_runs (a null run_id refers to none) and, for each trigger argument, that every instrument_id is in hist.instruments (argument instrument_id) and every market_id in hist.markets (argument market_id), where a foreign key would look each row up. Errors: 23503 naming the missing runs, instruments or markets (the statement is undone); 22023 for an unknown trigger argument.';

revoke execute on function core.check_run_rows() from public;

commit;
