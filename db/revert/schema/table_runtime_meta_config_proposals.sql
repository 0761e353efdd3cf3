-- Revert prometheus:schema/table_runtime_meta_config_proposals from pg
begin;

drop table runtime.meta_config_proposals;

commit;
