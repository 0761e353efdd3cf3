-- authenticator, PostgREST's login: no rights of its own, may become the request roles.
begin;
select plan(6);

select is((select rolcanlogin from pg_roles where rolname = 'authenticator'), true, 'authenticator can log in');
select is((select rolinherit from pg_roles where rolname = 'authenticator'), false, 'authenticator is NOINHERIT');
select ok(pg_has_role('authenticator', 'web_anon', 'member'), 'authenticator may switch to web_anon');
select ok(pg_has_role('authenticator', 'operator', 'member'), 'authenticator may switch to operator');
select ok(not pg_has_role('authenticator', 'pycore_writer', 'member'), 'authenticator may not become pycore_writer');
select ok(not has_schema_privilege('authenticator', 'api', 'usage'), 'authenticator itself uses nothing (NOINHERIT)');

select * from finish();
rollback;
