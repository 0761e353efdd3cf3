-- Verify prometheus:schema/trigger_jobs_events on pg
select 1 / count(*) from pg_catalog.pg_trigger where tgname = 'jobs_events' and tgrelid = 'runtime.jobs'::regclass;
