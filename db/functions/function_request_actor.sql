-- Deploy prometheus:functions/function_request_actor to pg
-- Who is calling: the JWT subject of an HTTP request, else the session user (recorded on jobs and configs).
begin;

create or replace function core.request_actor()
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub',
                  nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role',
                  'sql:' || session_user)
$$;

comment on function core.request_actor() is 'Who is calling: the JWT sub (or role) of the HTTP request, else the database session user.';

grant execute on function core.request_actor() to pycore_writer;

commit;
