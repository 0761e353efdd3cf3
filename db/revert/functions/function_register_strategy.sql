-- Revert prometheus:functions/function_register_strategy from pg
begin;

drop function api.register_strategy(text, text, jsonb, jsonb, text, jsonb);

notify pgrst, 'reload schema';

commit;
