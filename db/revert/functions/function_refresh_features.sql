-- Revert prometheus:functions/function_refresh_features from pg
begin;

drop function core.refresh_features(boolean);

commit;
