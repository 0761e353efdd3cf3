-- Revert prometheus:views/view_api_status_overview from pg
begin;

drop view api.status_overview;

commit;
