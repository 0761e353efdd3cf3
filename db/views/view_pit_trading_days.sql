-- Deploy prometheus:views/view_pit_trading_days to pg
-- Exchange sessions before the decision date.
begin;

create or replace view pit.trading_days as
select d.calendar, d.trade_date
  from hist.trading_days d
 where d.trade_date < nullif(pg_catalog.current_setting('prometheus.as_of', true), '')::date;

comment on view pit.trading_days is 'hist.trading_days as of the decision date (setting prometheus.as_of): the sessions strictly before it, e.g. to find the session 60 sessions back.';
comment on column pit.trading_days.calendar is 'exchange-calendars code, e.g. XNYS.';
comment on column pit.trading_days.trade_date is 'A session before the decision date.';

grant select on pit.trading_days to strategy_sandbox, pycore_writer;

commit;
