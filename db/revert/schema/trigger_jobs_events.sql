-- Revert prometheus:schema/trigger_jobs_events from pg
begin;

drop trigger jobs_events on runtime.jobs;

commit;
