-- Revert prometheus:views/view_api_jobs from pg
begin;

drop view api.jobs;

commit;
