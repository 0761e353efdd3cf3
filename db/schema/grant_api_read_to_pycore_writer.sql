-- Deploy prometheus:schema/grant_api_read_to_pycore_writer to pg
-- The CLI (tear sheets, listings) runs as pycore_writer and reads the api views
-- like any anonymous reader.
begin;

grant web_anon to pycore_writer;

commit;
