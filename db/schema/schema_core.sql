-- Deploy prometheus:schema/schema_core to pg
begin;

create schema core;
comment on schema core is 'Private functions and helpers of the engines and analytics. Never exposed over HTTP.';

-- pycore_writer may call the engines it is granted function by function.
grant usage on schema core to pycore_writer;

commit;
