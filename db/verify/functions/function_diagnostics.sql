-- Verify prometheus:functions/function_diagnostics on pg
select 'api.diagnostics(text)'::regprocedure;
