-- Deploy prometheus:functions/function_run_fail to pg
-- A run ends badly (its run service failed, its job failed, was cancelled or is retried): its rows go, it is FAILED.
begin;

create or replace function core.run_fail(p_run_id uuid, p_error text)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_rows bigint;
begin
  if p_run_id is null then
    raise exception 'run_id is required' using errcode = '22023';
  end if;
  perform from runtime.backtest_runs r where r.run_id = p_run_id for update;
  if not found then
    raise exception 'no run %', p_run_id using errcode = 'PT404';
  end if;
  v_rows := core.purge_run(p_run_id);
  update runtime.backtest_runs r
     set status = 'FAILED', error = left(coalesce(nullif(p_error, ''), 'failed'), 2000), finished_at = now()
   where r.run_id = p_run_id and r.status <> 'FAILED';
  return v_rows;
end
$$;

comment on function core.run_fail(uuid, text) is
'RUNNING (or SUCCEEDED) -> FAILED: removes every row the run wrote (core.purge_run) and marks it FAILED with p_error (at most 2000 characters; "failed" when empty). A run that is already FAILED keeps its first error; its rows are removed all the same. Returns the number of rows removed. Errors: 22023 without a run id; PT404 no such run.';

revoke execute on function core.run_fail(uuid, text) from public;
grant execute on function core.run_fail(uuid, text) to pycore_writer;

commit;
