-- Verify prometheus:functions/function_intelligence on pg
select 'api.diagnostics(text)'::regprocedure, 'api.generate_proposals(text)'::regprocedure,
       'api.apply_proposal(bigint)'::regprocedure, 'api.reject_proposal(bigint, text)'::regprocedure;
