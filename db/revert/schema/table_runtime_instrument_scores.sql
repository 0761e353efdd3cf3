-- Revert prometheus:schema/table_runtime_instrument_scores from pg
begin;

drop table runtime.instrument_scores;

commit;
