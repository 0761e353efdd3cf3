-- Revert prometheus:views/view_api_meta_config_proposals from pg
begin;

drop view api.meta_config_proposals;

commit;
