-- Deploy prometheus:schema/grants_procrastinate to pg
-- The job queue (procrastinate, a maintained PostgreSQL task queue) keeps its own
-- schema, applied by python -m pycore.deploy before sqitch (from the installed
-- package, at its version). Workers connect as pycore_writer and need its tables.
begin;

do $$
begin
  if to_regclass('public.procrastinate_jobs') is null then
    raise exception 'the procrastinate schema is missing: deploy with python -m pycore.deploy, which applies it first'
      using errcode = 'P0001';
  end if;
end
$$;

grant usage on schema public to pycore_writer;
grant select, insert, update, delete on all tables in schema public to pycore_writer;
grant usage, select on all sequences in schema public to pycore_writer;
grant execute on all functions in schema public to pycore_writer;

commit;
