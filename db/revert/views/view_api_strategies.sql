-- Revert prometheus:views/view_api_strategies from pg
begin;

drop view api.strategies;

notify pgrst, 'reload schema';

commit;
