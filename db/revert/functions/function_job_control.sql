-- Revert prometheus:functions/function_job_control from pg
begin;

drop view api.jobs;
drop function api.cancel_job(bigint);
drop function api.run_backtest(text, date, date, text[], jsonb, text);
drop function core.request_actor();

commit;
