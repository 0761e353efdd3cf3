-- Deploy prometheus:functions/function_cancel_job to pg
-- Cancel a job from the HTTP API, through procrastinate's own cancel function.
begin;

create or replace function api.cancel_job(job_id bigint)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_status text;
  v_queue bigint;
begin
  select j.status, j.queue_job_id into v_status, v_queue from runtime.jobs j where j.job_id = cancel_job.job_id for update;
  if not found then
    raise exception 'no job %', job_id using errcode = 'PT404';
  end if;
  if v_status in ('SUCCEEDED', 'FAILED', 'CANCELLED') then
    raise exception 'job % is already %', job_id, v_status using errcode = 'PT409';
  end if;
  -- procrastinate's own cancel (procrastinate_cancel_job_v1): a queued entry ('todo') becomes 'cancelled'; the entry
  -- of a running job ('doing') is asked to abort, which its worker sees. Its functions and triggers name their objects
  -- unqualified.
  perform set_config('search_path', 'public', true);
  perform public.procrastinate_cancel_job_v1(v_queue, v_status = 'RUNNING', false);
  perform set_config('search_path', '', true);
  if v_status = 'PENDING' then
    update runtime.jobs j set status = 'CANCELLED', cancel_requested = true, finished_at = now(), updated_at = now(),
                              error = 'cancelled by ' || core.request_actor()
     where j.job_id = cancel_job.job_id;
    return 'CANCELLED';
  end if;
  update runtime.jobs j set cancel_requested = true, updated_at = now() where j.job_id = cancel_job.job_id;
  return 'CANCEL_REQUESTED';
end
$$;

comment on function api.cancel_job(bigint) is
'Cancel a job (operator only), through procrastinate''s own procrastinate_cancel_job_v1. A PENDING job is cancelled at once, its queue entry too (returns CANCELLED); a RUNNING job is asked to stop (its queue entry is flagged abort_requested, runtime.jobs.cancel_requested is set) and its worker stops within seconds, removing the run''s rows (returns CANCEL_REQUESTED; the job then shows CANCELLED). Errors: 404 (PT404) no such job, 409 (PT409) the job already ended.';

revoke execute on function api.cancel_job(bigint) from public;
grant execute on function api.cancel_job(bigint) to operator;

notify pgrst, 'reload schema';

commit;
