-- Deploy prometheus:functions/function_run_finish to pg
-- A run ends well: RUNNING -> SUCCEEDED with the metrics SQL computes from what it stored.
begin;

create or replace function core.run_finish(p_run_id uuid)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_status text;
  v_metrics jsonb;
begin
  if p_run_id is null then
    raise exception 'run_id is required' using errcode = '22023';
  end if;
  select r.status into v_status from runtime.backtest_runs r where r.run_id = p_run_id for update;
  if not found then
    raise exception 'no run %', p_run_id using errcode = 'PT404';
  end if;
  if v_status <> 'RUNNING' then
    raise exception 'run % is %, not RUNNING', p_run_id, v_status using errcode = 'PT409';
  end if;
  v_metrics := core.run_metrics(p_run_id);
  update runtime.backtest_runs r
     set metrics_json = v_metrics, status = 'SUCCEEDED', error = null, finished_at = now()
   where r.run_id = p_run_id;
  return v_metrics;
end
$$;

comment on function core.run_finish(uuid) is
'RUNNING -> SUCCEEDED: the run service ends a run whose rows are all stored. Stores core.run_metrics(run_id) as metrics_json (replacing the progress it held) and returns it. Errors: 22023 without a run id; PT404 no such run; PT409 the run is not RUNNING.';

revoke execute on function core.run_finish(uuid) from public;
grant execute on function core.run_finish(uuid) to pycore_writer;

commit;
