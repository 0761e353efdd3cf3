-- Deploy prometheus:schema/schema_hist to pg
begin;

create schema hist;
comment on schema hist is 'Point-in-time market history: markets, instruments, trading days, raw daily OHLCV, corporate actions, index levels, VIX, factor returns. Append-only, loaded by COPY from data/ by the schema owner.';

-- The core and the workers read history; only the owner writes it.
grant usage on schema hist to pycore_writer;
alter default privileges in schema hist grant select on tables to pycore_writer;

commit;
