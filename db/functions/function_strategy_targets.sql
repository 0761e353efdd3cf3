-- Deploy prometheus:functions/function_strategy_targets to pg
-- Run a registered SQL strategy for one decision date, as role strategy_sandbox, seeing only the point-in-time views.
begin;

create or replace function core.strategy_targets(strategy_id text, as_of date, params jsonb)
returns table (instrument_id text, weight double precision)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_code text;
begin
  if as_of is null then
    raise exception 'a decision date is required' using errcode = '22023';
  end if;
  select s.code into v_code from runtime.strategies s
   where s.strategy_id = strategy_targets.strategy_id and s.kind = 'SQL';
  if v_code is null then
    raise exception 'no SQL strategy %', strategy_id using errcode = 'PT404';
  end if;
  -- what the pit views show: rows dated strictly before the decision date
  perform pg_catalog.set_config('prometheus.as_of', as_of::text, true);
  return query execute format('select t.instrument_id::text, t.weight::double precision from %s($1, $2) t',
                              pg_catalog.to_regprocedure(v_code || '(date, jsonb)')::regproc)
    using as_of, coalesce(params, '{}'::jsonb);
end
$$;

comment on function core.strategy_targets(text, date, jsonb) is
'The target weights of the registered SQL strategy strategy_id for the decision date as_of (its function called with (as_of, params)). Runs as role strategy_sandbox (this function''s owner; security definer, so the role cannot be switched inside): the strategy reads the pit views, which show only rows dated before as_of (setting prometheus.as_of, local to the transaction), and is refused anything else, hist included (42501). Errors: 404 (PT404) not a registered SQL strategy, 22023 no date.';

revoke execute on function core.strategy_targets(text, date, jsonb) from public;
grant execute on function core.strategy_targets(text, date, jsonb) to pycore_writer;
grant usage on schema runtime to strategy_sandbox;
grant select (strategy_id, kind, code) on runtime.strategies to strategy_sandbox;
-- the owner is the sandbox role: it needs CREATE in the schema just for the change of owner
grant create on schema core to strategy_sandbox;
alter function core.strategy_targets(text, date, jsonb) owner to strategy_sandbox;
revoke create on schema core from strategy_sandbox;

commit;
