-- Revert prometheus:schema/grant_api_read_to_pycore_writer from pg
begin;

revoke web_anon from pycore_writer;

commit;
