-- PUBLIC: no EXECUTE on new functions, nobody but the owner writes hist.
begin;
select plan(3);

select ok(exists(select 1 from pg_default_acl d where d.defaclobjtype = 'f' and d.defaclnamespace = 0
                 and not exists (select 1 from aclexplode(d.defaclacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE')),
          'functions created by the owner are not executable by PUBLIC by default');
select is((select count(*)::int from pg_proc p where p.pronamespace in ('core'::regnamespace, 'api'::regnamespace)
            and has_function_privilege('public', p.oid, 'execute')), 0, 'no core or api function is executable by PUBLIC');
select is((select count(*)::int from pg_class c, pg_roles r, unnest(array['insert', 'update', 'delete', 'truncate']) p
            where c.relkind = 'r' and c.relnamespace = 'hist'::regnamespace and r.rolname in ('web_anon', 'operator', 'authenticator', 'pycore_writer', 'analyst')
              and has_table_privilege(r.oid, c.oid, p)), 0,
          'no project role may change hist: only its owner');

select * from finish();
rollback;
