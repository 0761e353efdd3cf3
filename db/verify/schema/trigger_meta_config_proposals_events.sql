-- Verify prometheus:schema/trigger_meta_config_proposals_events on pg
select 1 / count(*) from pg_catalog.pg_trigger where tgname = 'meta_config_proposals_events' and tgrelid = 'runtime.meta_config_proposals'::regclass;
