-- Verify prometheus:schema/table_hist_corporate_actions on pg
select instrument_id, ex_date, dividend, split_coef from hist.corporate_actions where false;
