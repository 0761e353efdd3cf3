-- Revert prometheus:functions/function_diagnostics from pg
begin;

drop function api.diagnostics(text);

commit;
