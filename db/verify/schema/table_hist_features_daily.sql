-- Verify prometheus:schema/table_hist_features_daily on pg
select instrument_id, trade_date, session_no, adjusted_close, close, ret, excluded, s_ret, s_ret2, n_ret, dollar_volume,
       s_dollar_volume, s_adjusted_close, gap, running_high, month_high, month_max_gap, batch_id
  from hist.features_daily where false;
