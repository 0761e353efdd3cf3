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
begin
  -- every distinct run of the statement's rows must be a run (the per-row foreign key this replaces looked each row up)
  select string_agg(n.run_id::text, ', ') into v_missing
    from (select distinct r.run_id from new_rows r) n
   where not exists (select from runtime.backtest_runs b where b.run_id = n.run_id);
  if v_missing is not null then
    raise exception 'rows of %.% refer to no run: run_id %', tg_table_schema, tg_table_name, v_missing
      using errcode = '23503';
  end if;
  if tg_nargs > 0 and tg_argv[0] = 'instrument_id' then
    select string_agg(n.instrument_id, ', ') into v_missing
      from (select distinct r.instrument_id from new_rows r where r.instrument_id is not null) n
     where not exists (select from hist.instruments i where i.instrument_id = n.instrument_id);
    if v_missing is not null then
      raise exception 'rows of %.% refer to no instrument: instrument_id %', tg_table_schema, tg_table_name, v_missing
        using errcode = '23503';
    end if;
  end if;
  return null;
end
$$;

comment on function core.check_run_rows() is
'Statement-level AFTER INSERT trigger (REFERENCING NEW TABLE AS new_rows) of the tables a run bulk-loads by COPY (orders, fills, positions_snapshots, executed_actions, backtest_trades, backtest_daily_equity, target_portfolios): checks, once per statement and set-based, that every run_id of the new rows is a run of runtime.backtest_runs and, with the trigger argument instrument_id, that every instrument_id is in hist.instruments, where a foreign key would look each row up. Errors: 23503 naming the missing runs or instruments (the statement is undone).';

revoke execute on function core.check_run_rows() from public;

commit;
