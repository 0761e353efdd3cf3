-- Deploy prometheus:functions/function_job_heartbeat to pg
-- A live worker renews the leases of the jobs it runs; a lease nobody renews is how a dead attempt is found.
begin;

create or replace function core.job_heartbeat(p_worker text, p_job_ids bigint[], p_lease_seconds double precision default 30)
returns bigint[]
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_lost bigint[];
begin
  if p_worker is null or p_worker = '' then
    raise exception 'a worker name is required' using errcode = '22023';
  end if;
  if p_lease_seconds is null or not p_lease_seconds > 0 or p_lease_seconds = 'Infinity' then
    raise exception 'lease_seconds must be a positive number of seconds' using errcode = '22023';
  end if;
  with renewed as (
    update runtime.jobs j
       set lease_expires_at = now() + make_interval(secs => p_lease_seconds)
     where j.job_id = any(p_job_ids) and j.status = 'RUNNING' and j.worker = p_worker
    returning j.job_id
  )
  select coalesce(array_agg(distinct i order by i), '{}') into v_lost
    from unnest(coalesce(p_job_ids, '{}')) i
   where i not in (select r.job_id from renewed r);
  return v_lost;
end
$$;

comment on function core.job_heartbeat(text, bigint[], double precision) is
'Worker p_worker, alive, renews for p_lease_seconds the lease of each job of p_job_ids it runs (RUNNING under its name). Returns the ids among p_job_ids that are not RUNNING under it any more (taken over or ended). core.job_recover retries the RUNNING jobs whose lease ran out. Errors: 22023 without a worker name or with a lease that is not a positive number.';

revoke execute on function core.job_heartbeat(text, bigint[], double precision) from public;
grant execute on function core.job_heartbeat(text, bigint[], double precision) to pycore_writer;

commit;
