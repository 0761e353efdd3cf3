-- Verify prometheus:functions/function_run_chunk_committed on pg
select 'core.run_chunk_committed(uuid, date, date, integer)'::regprocedure;
