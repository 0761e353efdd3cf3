-- Revert prometheus:schema/roles from pg
-- Roles may still own privileges in another database of the cluster; then they
-- stay, and only this database forgets them.
begin;

do $$
declare
  r text;
begin
  foreach r in array array['pycore_writer', 'operator', 'web_anon', 'authenticator'] loop
    if exists (select from pg_catalog.pg_roles where rolname = r) then
      execute format('drop owned by %I', r);
      begin
        execute format('drop role %I', r);
      exception when dependent_objects_still_exist then
        raise notice 'role % is still used in another database; kept', r;
      end;
    end if;
  end loop;
end
$$;

commit;
