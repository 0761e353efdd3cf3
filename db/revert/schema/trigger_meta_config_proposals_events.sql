-- Revert prometheus:schema/trigger_meta_config_proposals_events from pg
begin;

drop trigger meta_config_proposals_events on runtime.meta_config_proposals;

commit;
