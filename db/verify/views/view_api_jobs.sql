-- Verify prometheus:views/view_api_jobs on pg
select job_id from api.jobs where false;
