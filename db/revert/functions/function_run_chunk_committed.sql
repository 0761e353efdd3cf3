-- Revert prometheus:functions/function_run_chunk_committed from pg
begin;

drop function core.run_chunk_committed(uuid, date, date, integer);

commit;
