-- Revert prometheus:schema/table_runtime_jobs from pg
begin;

drop table runtime.jobs;

commit;
