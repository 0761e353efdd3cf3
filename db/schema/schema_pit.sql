-- Deploy prometheus:schema/schema_pit to pg
-- Point-in-time views: market history as of a decision date, for SQL strategies.
begin;

create schema pit;
comment on schema pit is 'Point-in-time views of hist: only rows dated strictly before the decision date in the transaction setting prometheus.as_of (set by core.strategy_targets). SQL strategies read these and nothing else. To explore in psql: select set_config(''prometheus.as_of'', ''2020-01-31'', false).';

grant usage on schema pit to strategy_sandbox, pycore_writer;

commit;
