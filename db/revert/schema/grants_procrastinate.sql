-- Revert prometheus:schema/grants_procrastinate from pg
begin;

revoke execute on all functions in schema public from pycore_writer;
revoke usage, select on all sequences in schema public from pycore_writer;
revoke select, insert, update, delete on all tables in schema public from pycore_writer;
revoke usage on schema public from pycore_writer;

commit;
