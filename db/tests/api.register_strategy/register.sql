-- api.register_strategy: an operator registers a SQL function of (date, jsonb) as a strategy; what cannot run is refused.
begin;
select plan(9);

-- SETUP: a valid strategy function and three that cannot be strategies; a helper that registers as the operator
create function strategies.t_ok(as_of date, params jsonb) returns table (instrument_id text, weight double precision)
  language sql stable as $$ select 'TSTA'::text, 0.5::float8 $$;
create function strategies.t_setof(as_of date, params jsonb) returns setof text language sql as $$ select 'x' $$;
create function strategies.t_definer(as_of date, params jsonb) returns table (instrument_id text, weight double precision)
  language sql stable security definer as $$ select 'TSTA'::text, 0.5::float8 $$;
create function pg_temp.register(p_id text, p_fn text, p_params text default '{}') returns text language plpgsql as $$
declare v text := 'OK';
begin
  begin
    perform set_config('request.jwt.claims', json_build_object('role', 'operator', 'sub', 'tester')::text, true);
    set local role operator;
    perform api.register_strategy(p_id, p_fn, p_params::jsonb);
    reset role;
  exception when others then
    v := sqlstate || ': ' || sqlerrm;
  end;
  return v;
end $$;

-- TEST: a valid function is registered: the registry row (kind SQL, its schema with params) and config version 1
select is(pg_temp.register('T_OK', 'strategies.t_ok', '{"max_gross": 0.5}'), 'OK', 'the operator registers a SQL strategy');
select is((select kind || ' ' || code from runtime.strategies where strategy_id = 'T_OK'), 'SQL strategies.t_ok',
          'the registry knows its kind and function');
select is((select config_json -> 'params' from runtime.strategy_configs where strategy_id = 'T_OK' and version = 1 and is_active),
          '{"max_gross": 0.5}'::jsonb, 'its params are config version 1');
select ok(has_function_privilege('strategy_sandbox', 'strategies.t_ok(date, jsonb)', 'execute'), 'the sandbox may run it');
-- TEST: what cannot run is refused, by SQLSTATE
select matches(pg_temp.register('T_SETOF', 'strategies.t_setof'), '^22023: ', 'a function of another shape is 22023');
select matches(pg_temp.register('T_DEFINER', 'strategies.t_definer'), '^22023: ', 'a security definer function is 22023');
select matches(pg_temp.register('T_NONE', 'strategies.nothing_here'), '^22023: ', 'a missing function is 22023');
select matches(pg_temp.register('T_OK', 'strategies.t_ok'), '^PT409: ', 'a taken id is PT409');
-- TEST: only the operator may register
select ok(not has_function_privilege('web_anon', 'api.register_strategy(text, text, jsonb, jsonb, text, jsonb)', 'execute'),
          'web_anon may not register strategies');

select * from finish();
rollback;
