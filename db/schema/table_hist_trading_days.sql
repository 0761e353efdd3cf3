-- Deploy prometheus:schema/table_hist_trading_days to pg
begin;

create table hist.trading_days (
  calendar   text not null check (calendar ~ '^[A-Z0-9]{3,8}$'),
  trade_date date not null,
  primary key (calendar, trade_date)
);
comment on table hist.trading_days is 'Exchange sessions per calendar, from the exchange-calendars package (XNYS from 1990). The simulator and engines iterate these dates, never weekdays.';
comment on column hist.trading_days.calendar is 'exchange-calendars code, e.g. XNYS.';
comment on column hist.trading_days.trade_date is 'A session date of that calendar.';

commit;
