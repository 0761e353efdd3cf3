-- Verify prometheus:schema/grants_procrastinate on pg
select 1 / has_table_privilege('pycore_writer', 'public.procrastinate_jobs', 'update')::int;
