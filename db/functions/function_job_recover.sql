-- Deploy prometheus:functions/function_job_recover to pg
-- The sweep every worker runs: no job stays RUNNING without a live worker, and the queue agrees with runtime.jobs.
begin;

create or replace function core.job_recover(p_stalled_seconds double precision default 30, p_max_attempts integer default 5,
                                            p_backoff_seconds double precision default 2)
returns table (job_id bigint, job_status text, queue_job_id bigint, action text)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v record;
  v_job runtime.jobs;
  v_queue_status text;
  v_queue_name text;
  v_task_name text;
  v_status text;
  v_retry timestamptz;
  v_new bigint;
  v_stale timestamptz;
begin
  if p_stalled_seconds is null or not p_stalled_seconds > 0 or p_stalled_seconds = 'Infinity' then
    raise exception 'stalled_seconds must be a positive number of seconds' using errcode = '22023';
  end if;
  if p_max_attempts is null or p_max_attempts < 1 then
    raise exception 'max_attempts must be at least 1' using errcode = '22023';
  end if;
  v_stale := now() - make_interval(secs => p_stalled_seconds);
  -- procrastinate's functions and triggers name their objects unqualified; everything here is qualified
  perform set_config('search_path', 'public', true);
  for v in
    -- a RUNNING job whose lease ran out: no live worker renews it (the worker died, hangs, or lost the database)
    select j.job_id, j.queue_job_id, 'lease expired' as why
      from runtime.jobs j
     where j.status = 'RUNNING' and coalesce(j.lease_expires_at, '-infinity') < now()
    union all
    -- a queue entry left 'doing' by a dead worker while its job, unchanged for as long, is not RUNNING (the worker
    -- died between the job's commit and the queue's)
    select j.job_id, q.id, 'queue entry of a dead worker'
      from public.procrastinate_jobs q
      left join runtime.jobs j on j.queue_job_id = q.id
     where q.status = 'doing' and q.task_name = 'run_backtest_job'
       and (q.worker_id is null or exists (select 1 from public.procrastinate_workers w
                                            where w.id = q.worker_id and w.last_heartbeat < v_stale))
       and (j.job_id is null or (j.status <> 'RUNNING' and j.updated_at < v_stale))
    union all
    -- a PENDING job whose queue entry ended or vanished: nothing would ever run it
    select j.job_id, j.queue_job_id, 'pending without a queue entry'
      from runtime.jobs j
      left join public.procrastinate_jobs q on q.id = j.queue_job_id
     where j.status = 'PENDING' and j.kind = 'BACKTEST' and j.updated_at < v_stale
       and (q.id is null or q.status not in ('todo', 'doing'))
  loop
    v_new := null;
    v_retry := null;
    v_job := null;
    v_queue_status := null;
    v_queue_name := null;
    v_task_name := null;
    if v.job_id is not null then
      select * into v_job from runtime.jobs j where j.job_id = v.job_id for update skip locked;
      if not found then
        continue;  -- another sweeper or the job's worker has it
      end if;
    end if;
    if v.queue_job_id is not null then
      select q.status::text, q.queue_name, q.task_name into v_queue_status, v_queue_name, v_task_name
        from public.procrastinate_jobs q where q.id = v.queue_job_id for update skip locked;
      if not found and exists (select 1 from public.procrastinate_jobs q where q.id = v.queue_job_id) then
        continue;
      end if;
    end if;
    -- the case still holds now that both rows are locked
    if v.why = 'lease expired' then
      continue when v_job.status <> 'RUNNING' or v_job.lease_expires_at >= now() or v_job.queue_job_id is distinct from v.queue_job_id;
      select r.job_status, r.retry_at into v_status, v_retry
        from core.job_requeue(v_job.job_id, null,
                              format('worker %s stopped renewing its lease (expired at %s)', coalesce(v_job.worker, '(none)'),
                                     v_job.lease_expires_at), p_max_attempts, p_backoff_seconds) r;
    elsif v.why = 'queue entry of a dead worker' then
      continue when v_queue_status is distinct from 'doing'
                    or (v.job_id is not null and (v_job.status = 'RUNNING' or v_job.updated_at >= v_stale));
      v_status := v_job.status;  -- null: the entry belongs to no job any more
    else
      continue when v_job.status <> 'PENDING' or v_job.updated_at >= v_stale or v_queue_status in ('todo', 'doing')
                    or v_job.queue_job_id is distinct from v.queue_job_id;
      v_status := v_job.status;
    end if;
    -- the old queue entry ends as the job did; a superseded attempt is 'aborted'
    if v_queue_status in ('todo', 'doing') then
      perform public.procrastinate_finish_job_v1(v.queue_job_id,
        (case v_status when 'SUCCEEDED' then 'succeeded' when 'FAILED' then 'failed' else 'aborted' end)::public.procrastinate_job_status,
        false);
    end if;
    -- a job to run again gets a fresh queue entry, due after the backoff
    if v_status = 'PENDING' then
      select (public.procrastinate_defer_jobs_v1(array[
               row(coalesce(v_queue_name, 'backtests'), coalesce(v_task_name, 'run_backtest_job'), 0, null, null,
                   jsonb_build_object('job_id', v_job.job_id), v_retry)::public.procrastinate_job_to_defer_v1
             ]))[1] into v_new;
      update runtime.jobs j set queue_job_id = v_new, updated_at = now() where j.job_id = v_job.job_id;
    end if;
    job_id := v.job_id;
    job_status := v_status;
    queue_job_id := coalesce(v_new, v.queue_job_id);
    action := v.why || ': ' || case when v_new is not null then 'queued again as ' || v_new
                                    when v_status is null then 'queue entry aborted'
                                    else 'job ' || lower(v_status) end;
    return next;
  end loop;
end
$$;

comment on function core.job_recover(double precision, integer, double precision) is
'The recovery sweep every worker runs every few seconds, so that no job stays RUNNING without a live worker and procrastinate''s queue agrees with runtime.jobs: (1) a RUNNING job whose lease expired is handed to core.job_requeue (rows of the attempt removed; PENDING after a backoff, or FAILED once p_max_attempts attempts were made, or CANCELLED); (2) a queue entry left ''doing'' by a worker without a heartbeat for p_stalled_seconds, while its job is not RUNNING and unchanged for as long, ends as the job did; (3) a PENDING job whose queue entry ended gets a new one. A retried job always gets a fresh queue entry (the old one ends ''aborted''), so a late answer of a presumed-dead worker cannot change the new attempt. Rows locked by another sweeper are skipped. Returns what it did, one row per job. Errors: 22023 bad arguments.';

revoke execute on function core.job_recover(double precision, integer, double precision) from public;
grant execute on function core.job_recover(double precision, integer, double precision) to pycore_writer;

commit;
