-- Revert prometheus:schema/table_runtime_decision_outcomes from pg
begin;

drop table runtime.decision_outcomes;

commit;
