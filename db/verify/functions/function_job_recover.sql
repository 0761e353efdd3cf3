-- Verify prometheus:functions/function_job_recover on pg
select 'core.job_recover(double precision, integer, double precision)'::regprocedure;
