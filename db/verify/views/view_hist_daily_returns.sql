-- Verify prometheus:views/view_hist_daily_returns on pg
select instrument_id, trade_date, adjusted_close, ret, excluded from hist.daily_returns where false;
