-- Revert prometheus:schema/table_hist_corporate_actions from pg
begin;

drop table hist.corporate_actions;

commit;
