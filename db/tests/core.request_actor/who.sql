-- core.request_actor: who is calling: the JWT subject of an HTTP request, else its role, else the session user.
begin;
select plan(4);

select ok(has_function_privilege('pycore_writer', 'core.request_actor()', 'execute'), 'pycore_writer may ask who is calling');
select set_config('request.jwt.claims', '{"role": "operator", "sub": "alice"}', true);
select is(core.request_actor(), 'alice', 'an HTTP request with a subject: the subject');
select set_config('request.jwt.claims', '{"role": "operator"}', true);
select is(core.request_actor(), 'operator', 'an HTTP request without a subject: its role');
select set_config('request.jwt.claims', '', true);
select is(core.request_actor(), 'sql:' || session_user, 'no HTTP request: the database session user');

select * from finish();
rollback;
