-- Deploy prometheus:functions/function_purge_run to pg
-- Remove a run's rows (a failed, cancelled or retried attempt) from every table of core.run_tables().
begin;

create or replace function core.purge_run(p_run_id uuid)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_table regclass;
  v_rows bigint;
  v_total bigint := 0;
begin
  if p_run_id is null then
    raise exception 'run_id is required' using errcode = '22023';
  end if;
  foreach v_table in array core.run_tables() loop
    execute format('delete from %s where run_id = $1', v_table) using p_run_id;
    get diagnostics v_rows = row_count;
    v_total := v_total + v_rows;
  end loop;
  return v_total;
end
$$;

comment on function core.purge_run(uuid) is
'Remove every row a run wrote (the tables of core.run_tables()); the runtime.backtest_runs row stays, its status is the caller''s business. Returns the number of rows removed. Errors: 22023 without a run id.';

revoke execute on function core.purge_run(uuid) from public;
grant execute on function core.purge_run(uuid) to pycore_writer;

commit;
