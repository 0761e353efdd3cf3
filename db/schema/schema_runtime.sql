-- Deploy prometheus:schema/schema_runtime to pg
begin;

create schema runtime;
comment on schema runtime is 'Everything runs write: orders, fills, positions, trades, equity, engine outputs, risk reports, jobs. Every row a run writes carries run_id and mode.';

-- The core and the workers write runs; they never change the structure.
grant usage on schema runtime to pycore_writer;
alter default privileges in schema runtime grant select, insert, update, delete on tables to pycore_writer;
alter default privileges in schema runtime grant usage, select on sequences to pycore_writer;

commit;
