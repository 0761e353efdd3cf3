-- Deploy prometheus:schema/schema_api to pg
begin;

create schema api;
comment on schema api is 'The HTTP surface served by PostgREST: views and functions only, each with a COMMENT.';

grant usage on schema api to web_anon, operator;
alter default privileges in schema api grant select on tables to web_anon;

commit;
