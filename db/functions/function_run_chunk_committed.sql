-- Deploy prometheus:functions/function_run_chunk_committed to pg
-- The run service announces a chunk of simulated days, in the chunk's own transaction: the new equity points go out
-- at its COMMIT (NOTIFY prometheus_events), so a console draws the curve while the run goes on.
begin;

create or replace function core.run_chunk_committed(p_run_id uuid, p_from date, p_through date, p_points_per_event integer default 150)
returns setof jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_job bigint;
  v_progress jsonb;
  v_payload jsonb;
  v_parts integer;
begin
  if p_run_id is null or p_from is null or p_through is null or p_through < p_from then
    raise exception 'a run id and a date range (from <= through) are required' using errcode = '22023';
  end if;
  if p_points_per_event is null or p_points_per_event not between 1 and 150 then
    raise exception 'points per event must be between 1 and 150 (NOTIFY payloads stay under 8000 bytes)' using errcode = '22023';
  end if;
  select r.metrics_json -> 'progress' into v_progress from runtime.backtest_runs r where r.run_id = p_run_id;
  if not found then
    raise exception 'no run %', p_run_id using errcode = 'PT404';
  end if;
  select j.job_id into v_job from runtime.jobs j where j.run_id = p_run_id order by j.job_id desc limit 1;
  select pg_catalog.ceil(pg_catalog.count(*)::numeric / p_points_per_event)::integer into v_parts
    from runtime.backtest_daily_equity e
   where e.run_id = p_run_id and e.as_of_date between p_from and p_through;
  for v_payload in
    select pg_catalog.jsonb_build_object(
             'type', 'chunk', 'run_id', p_run_id, 'job_id', v_job, 'from', p_from, 'through', p_through,
             'progress', v_progress, 'part', c.part + 1, 'parts', v_parts,
             'points', pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(c.as_of_date, c.equity) order by c.as_of_date))
      from (select e.as_of_date, e.equity,
                   (pg_catalog.row_number() over (order by e.as_of_date) - 1) / p_points_per_event as part
              from runtime.backtest_daily_equity e
             where e.run_id = p_run_id and e.as_of_date between p_from and p_through) c
     group by c.part
     order by c.part
  loop
    perform pg_catalog.pg_notify('prometheus_events',
      (v_payload || pg_catalog.jsonb_build_object('at', extract(epoch from pg_catalog.clock_timestamp())))::text);
    return next v_payload;
  end loop;
end
$$;

comment on function core.run_chunk_committed(uuid, date, date, integer) is
'The run service calls it in the transaction that stores a chunk of simulated days p_from..p_through of run p_run_id: announces the chunk''s equity points on channel prometheus_events (delivered at COMMIT) as {"type": "chunk", run_id, job_id, from, through, progress, part, parts, points: [[date, equity], ...]}, p_points_per_event points per event (at most 150, so each payload stays far under 8000 bytes), and returns those payloads (without "at", the send time). No points in the range: nothing is sent. Errors: 22023 bad arguments; PT404 no such run.';

revoke execute on function core.run_chunk_committed(uuid, date, date, integer) from public;
grant execute on function core.run_chunk_committed(uuid, date, date, integer) to pycore_writer;

commit;
