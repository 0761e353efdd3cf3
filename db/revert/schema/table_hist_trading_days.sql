-- Revert prometheus:schema/table_hist_trading_days from pg
begin;

drop table hist.trading_days;

commit;
