-- Revert prometheus:schema/roles from pg
-- Roles are cluster-wide: another database of this cluster may have the project
-- deployed (the database of a running stack, a test template). Reverting here must
-- not take its roles away, nor drop and recreate them: a running API's pooled
-- authenticator sessions keep the old role's OID and then fail every SET ROLE.
-- The project is deployed in another database when one of its roles owns an
-- object or holds a privilege there, which pg_shdepend (a cluster-wide catalog)
-- records; and a role is in use while a session is logged in as it (a gateway or
-- a worker, even on this database during a rebase). In either case every role is
-- kept as it is (authenticator too, although it holds nothing itself: it is used
-- through its memberships), and nothing is revoked from them here: every later
-- change's revert has already revoked its own grants, and DROP OWNED would also
-- revoke privileges on shared objects such as databases. Otherwise this was the
-- last deployment: the roles lose what they still hold and are dropped.
begin;

do $$
declare
  project_roles constant text[] := array['strategy_sandbox', 'pycore_writer', 'operator', 'web_anon', 'authenticator'];
  here constant oid := (select oid from pg_catalog.pg_database where datname = pg_catalog.current_database());
  r text;
begin
  if exists (
    select
      from pg_catalog.pg_shdepend d
      join pg_catalog.pg_roles ro on ro.oid = d.refobjid
     where d.refclassid = 'pg_catalog.pg_authid'::regclass
       and ro.rolname = any (project_roles)
       and (d.dbid not in (0, here)
            or (d.dbid = 0 and d.classid = 'pg_catalog.pg_database'::regclass and d.objid <> here))
  ) then
    raise notice 'roles % are used by another database of this cluster; kept', project_roles;
    return;
  end if;
  if exists (select from pg_catalog.pg_stat_activity where usename = any (project_roles)) then
    raise notice 'roles % have sessions logged in; kept', project_roles;
    return;
  end if;
  foreach r in array project_roles loop
    if exists (select from pg_catalog.pg_roles where rolname = r) then
      execute format('drop owned by %I', r);
      execute format('drop role %I', r);
    end if;
  end loop;
end
$$;

commit;
