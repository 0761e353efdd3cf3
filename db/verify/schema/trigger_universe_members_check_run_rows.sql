-- Verify prometheus:schema/trigger_universe_members_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'universe_members_check_run_rows' and tgrelid = 'runtime.universe_members'::regclass;
