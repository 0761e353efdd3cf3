-- Revert prometheus:views/view_api_stability_history from pg
begin;

drop view api.stability_history;

commit;
