-- Verify prometheus:views/view_api_run_comparison on pg
select * from api.run_comparison where false;
