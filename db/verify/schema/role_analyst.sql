-- Verify prometheus:schema/role_analyst on pg
select 1 / (select count(*) from pg_catalog.pg_roles where rolname = 'analyst' and rolcanlogin)::int,
       1 / has_table_privilege('analyst', 'runtime.backtest_runs', 'select')::int,
       1 / (select count(*) from pg_catalog.pg_db_role_setting s join pg_catalog.pg_database d on d.oid = s.setdatabase
             where d.datname = current_database() and s.setrole = 0
               and exists (select from unnest(s.setconfig) c where c like 'search_path=%runtime%'))::int;
