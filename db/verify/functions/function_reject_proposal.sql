-- Verify prometheus:functions/function_reject_proposal on pg
select 'api.reject_proposal(bigint, text)'::regprocedure;
