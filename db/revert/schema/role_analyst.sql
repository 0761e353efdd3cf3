-- Revert prometheus:schema/role_analyst from pg
-- The role is cluster-wide and other databases of the cluster may use it: it
-- stays, with its own settings. Only this database forgets it: its grants, its
-- default privileges and the database's search path.
begin;

do $$
begin
  execute format('alter database %I reset search_path', current_database());
end
$$;

revoke execute on function api.diagnostics(text) from analyst;
alter default privileges in schema api revoke select on tables from analyst;
alter default privileges in schema runtime revoke select on tables from analyst;
alter default privileges in schema hist revoke select on tables from analyst;
revoke select on all tables in schema hist, runtime, api from analyst;
revoke usage on schema hist, runtime, api from analyst;

commit;
