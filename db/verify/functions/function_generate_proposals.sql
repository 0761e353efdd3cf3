-- Verify prometheus:functions/function_generate_proposals on pg
select 'api.generate_proposals(text)'::regprocedure;
