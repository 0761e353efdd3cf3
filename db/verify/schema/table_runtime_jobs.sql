-- Verify prometheus:schema/table_runtime_jobs on pg
select job_id, kind, params, status, progress, progress_date, run_id, error, worker, lease_expires_at, attempts, cancel_requested, submitted_by, queue_job_id, created_at, started_at, finished_at, updated_at
  from runtime.jobs where false;
