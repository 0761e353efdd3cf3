-- Verify prometheus:functions/function_apply_proposal on pg
select 'api.apply_proposal(bigint)'::regprocedure;
