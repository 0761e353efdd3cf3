-- Verify prometheus:views/view_api_stability_history on pg
select * from api.stability_history where false;
