-- Deploy prometheus:schema/role_analyst to pg
-- Analysts log in with psql and read everything a run wrote (runtime), the market
-- history (hist) and the read models (api), and change nothing. The seed's SQL
-- names tables without a schema (select ... from backtest_runs), so the search
-- path puts runtime first: before api, whose view api.backtest_runs would
-- otherwise shadow the table of the same name.
-- Roles are cluster-wide: the role and its own settings are created once and
-- shared by every database of the cluster; the grants and the database's search
-- path belong to this database.
begin;

do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'analyst') then
    create role analyst login;
  end if;
end
$$;

alter role analyst set default_transaction_read_only = on;
alter role analyst set search_path = runtime, hist, api, public;
comment on role analyst is 'Read-only analyst login (psql): SELECT on hist, runtime and api, read-only transactions, search_path runtime, hist, api, public so the seed''s unqualified queries run verbatim.';

grant usage on schema hist, runtime, api to analyst;
grant select on all tables in schema hist, runtime, api to analyst;
alter default privileges in schema hist grant select on tables to analyst;
alter default privileges in schema runtime grant select on tables to analyst;
alter default privileges in schema api grant select on tables to analyst;
grant execute on function api.diagnostics(text) to analyst;

-- Every session of this database (whatever its role) resolves the seed's
-- unqualified names the same way; procrastinate's objects stay reachable in public.
do $$
begin
  execute format('alter database %I set search_path = "$user", runtime, hist, api, public', current_database());
end
$$;

commit;
