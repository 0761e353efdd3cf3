-- Deploy prometheus:schema/roles to pg
-- Roles are cluster-wide, so creation is idempotent: a second database in the
-- same cluster (tests, a staging copy) reuses them.
begin;

do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'web_anon') then
    create role web_anon nologin;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'operator') then
    create role operator nologin;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'pycore_writer') then
    create role pycore_writer login;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'strategy_sandbox') then
    create role strategy_sandbox nologin;
  end if;
end
$$;

-- PostgREST logs in as authenticator and switches to the request's role.
grant web_anon to authenticator;
grant operator to authenticator;
-- An operator can read everything an anonymous reader can.
grant web_anon to operator;

comment on role authenticator is 'PostgREST login role: no rights of its own (NOINHERIT), switches to web_anon or the JWT role per request.';
comment on role web_anon is 'Anonymous HTTP reader: SELECT on api views and EXECUTE on read-only api functions.';
comment on role operator is 'JWT role of the C2 operator: reads like web_anon, may submit and cancel jobs and apply proposals.';
comment on role strategy_sandbox is 'The role SQL strategies run as (core.strategy_targets is owned by it): reads the point-in-time views of schema pit and nothing dated on or after the decision date; no other table, no writes.';
comment on role pycore_writer is 'Backtest core and workers: reads hist, INSERT/COPY/UPDATE/DELETE on runtime, no DDL.';

commit;
