-- Revert prometheus:views/view_api_run_comparison from pg
begin;

drop view api.run_comparison;

commit;
