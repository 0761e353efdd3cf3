-- Deploy prometheus:schema/table_runtime_jobs to pg
begin;

create table runtime.jobs (
  job_id bigint generated always as identity primary key,
  kind text not null check (kind in ('BACKTEST', 'CAMPAIGN')),
  params jsonb not null check (jsonb_typeof(params) = 'object'),
  status text not null default 'PENDING' check (status in ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  progress double precision not null default 0 check (progress between 0 and 1),
  progress_date date,
  run_id uuid references runtime.backtest_runs (run_id) on delete set null,
  error text,
  worker text,
  lease_expires_at timestamptz,
  attempts integer not null default 0 check (attempts >= 0),
  cancel_requested boolean not null default false,
  submitted_by text,
  queue_job_id bigint,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now(),
  check (finished_at is null or started_at is null or finished_at >= started_at),
  check (status <> 'RUNNING' or started_at is not null)
);
create index jobs_status_idx on runtime.jobs (status, created_at);
create index jobs_run_id_idx on runtime.jobs (run_id);
comment on table runtime.jobs is 'Jobs submitted from the API or the console and executed by workers (procrastinate): the operator''s read model of status, progress and errors.';
comment on column runtime.jobs.job_id is 'Job identifier.';
comment on column runtime.jobs.kind is 'BACKTEST or CAMPAIGN.';
comment on column runtime.jobs.params is 'Job parameters (validated: strategy, dates, markets, overrides, portfolio).';
comment on column runtime.jobs.status is 'PENDING, RUNNING, SUCCEEDED, FAILED or CANCELLED.';
comment on column runtime.jobs.progress is 'Fraction done, 0 to 1.';
comment on column runtime.jobs.progress_date is 'The simulated date reached.';
comment on column runtime.jobs.run_id is 'Run the job produced.';
comment on column runtime.jobs.error is 'Why it failed.';
comment on column runtime.jobs.worker is 'Worker that runs or ran it.';
comment on column runtime.jobs.lease_expires_at is 'Lease of the running worker; renewed by heartbeats.';
comment on column runtime.jobs.attempts is 'Times a worker started it.';
comment on column runtime.jobs.cancel_requested is 'Set by cancel_job; the worker stops within seconds.';
comment on column runtime.jobs.submitted_by is 'Role that submitted it.';
comment on column runtime.jobs.queue_job_id is 'procrastinate job id.';
comment on column runtime.jobs.created_at is 'When submitted.';
comment on column runtime.jobs.started_at is 'When a worker started it.';
comment on column runtime.jobs.finished_at is 'When it ended.';
comment on column runtime.jobs.updated_at is 'Last change.';

commit;
