-- Deploy prometheus:schema/schema_strategies to pg
-- Where SQL strategies live: set-returning functions of (decision date, params) registered with api.register_strategy.
begin;

create schema strategies;
comment on schema strategies is 'SQL strategies: functions (as_of date, params jsonb) returning table (instrument_id text, weight double precision) that read only the point-in-time views of schema pit; registered with api.register_strategy and run as role strategy_sandbox by core.strategy_targets.';

grant usage on schema strategies to strategy_sandbox;

commit;
