-- Deploy prometheus:functions/function_job_finish to pg
-- A running job ends: SUCCEEDED with its run, or FAILED / CANCELLED with the attempt's rows removed.
begin;

create or replace function core.job_finish(p_job_id bigint, p_worker text, p_status text, p_error text default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_status text;
  v_worker text;
  v_run uuid;
  v_run_status text;
  v_error text;
begin
  if p_status is null or p_status not in ('SUCCEEDED', 'FAILED', 'CANCELLED') then
    raise exception 'a job ends SUCCEEDED, FAILED or CANCELLED, not %', coalesce(p_status, 'null') using errcode = '22023';
  end if;
  select j.status, j.worker, j.run_id into v_status, v_worker, v_run
    from runtime.jobs j where j.job_id = p_job_id for update;
  if not found then
    raise exception 'no job %', p_job_id using errcode = 'PT404';
  end if;
  if v_status <> 'RUNNING' or v_worker is distinct from p_worker then
    raise exception 'job % is not running under worker %', p_job_id, p_worker using errcode = 'PT409',
      detail = format('the job is %s (worker %s)', v_status, coalesce(v_worker, 'none'));
  end if;
  if p_status = 'SUCCEEDED' then
    select r.status into v_run_status from runtime.backtest_runs r where r.run_id = v_run;
    if v_run_status is distinct from 'SUCCEEDED' then
      raise exception 'job % cannot succeed: its run % is %', p_job_id, coalesce(v_run::text, '(none)'),
        coalesce(v_run_status, 'missing') using errcode = 'PT409';
    end if;
    update runtime.jobs j
       set status = 'SUCCEEDED', progress = 1, error = null, finished_at = now(), lease_expires_at = null, updated_at = now()
     where j.job_id = p_job_id;
    return;
  end if;
  v_error := left(coalesce(nullif(p_error, ''),
                           case p_status when 'CANCELLED' then 'cancelled while running; its rows were removed' else 'failed' end), 4000);
  if v_run is not null then
    perform core.run_fail(v_run, v_error);
  end if;
  update runtime.jobs j
     set status = p_status, error = v_error, finished_at = now(), lease_expires_at = null, updated_at = now()
   where j.job_id = p_job_id;
end
$$;

comment on function core.job_finish(bigint, text, text, text) is
'RUNNING -> SUCCEEDED, FAILED or CANCELLED: worker p_worker ends job p_job_id. SUCCEEDED needs the attempt''s run to be SUCCEEDED (progress becomes 1); FAILED and CANCELLED end the attempt''s run with core.run_fail (its rows removed, FAILED) and keep p_error as the reason. Errors: 22023 another status; PT404 no such job; PT409 the job is not RUNNING under this worker, or succeeds without a succeeded run.';

revoke execute on function core.job_finish(bigint, text, text, text) from public;
grant execute on function core.job_finish(bigint, text, text, text) to pycore_writer;

commit;
