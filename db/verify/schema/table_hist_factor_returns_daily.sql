-- Verify prometheus:schema/table_hist_factor_returns_daily on pg
select model, trade_date, mkt_rf, smb, hml, rmw, cma, rf from hist.factor_returns_daily where false;
