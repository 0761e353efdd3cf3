-- Verify prometheus:schema/grant_api_read_to_pycore_writer on pg
select 1 / pg_has_role('pycore_writer', 'web_anon', 'member')::int;
