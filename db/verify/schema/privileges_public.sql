-- Verify prometheus:schema/privileges_public on pg
-- A default-ACL entry for functions exists for the deploying role.
select 1 / count(*)
  from pg_catalog.pg_default_acl
 where defaclrole = current_user::regrole
   and defaclobjtype = 'f'
   and defaclnamespace = 0;
