-- Verify prometheus:views/view_api_meta_config_proposals on pg
select proposal_id from api.meta_config_proposals where false;
