-- Deploy prometheus:schema/table_runtime_engine_cache to pg
-- Reuse of per-run engine output: runs with the same engine parameters over the same
-- data read an engine's rows for a decision date from here instead of recomputing them.
begin;

create table runtime.engine_cache (
  engine       text not null check (engine in ('ASSESSMENT', 'UNIVERSE')),
  cache_key    text not null check (cache_key ~ '^[0-9a-f]{32}$'),
  as_of_date   date not null,
  market_id    text not null,
  params       jsonb not null check (jsonb_typeof(params) = 'object'),
  data_version bigint not null,
  output       jsonb not null check (jsonb_typeof(output) = 'array'),
  hits         integer not null default 0 check (hits >= 0),
  created_at   timestamptz not null default now(),
  primary key (engine, cache_key, as_of_date)
);
comment on table runtime.engine_cache is 'Engine output reuse: what a per-run engine (core.run_assessment, core.run_universe) computed for one decision date, keyed by the engine, a hash of its effective parameters, the market and the data version, so that later runs with the same parameters insert these rows instead of recomputing them. Emptied by core.refresh_features whenever the market data changes. Not a run''s row: core.purge_run leaves it alone.';
comment on column runtime.engine_cache.engine is 'ASSESSMENT (core.run_assessment) or UNIVERSE (core.run_universe).';
comment on column runtime.engine_cache.cache_key is 'md5 of the engine''s effective parameters (defaults applied), the market and the data version.';
comment on column runtime.engine_cache.as_of_date is 'Decision date.';
comment on column runtime.engine_cache.market_id is 'Market.';
comment on column runtime.engine_cache.params is 'The effective parameters the key was made from.';
comment on column runtime.engine_cache.data_version is 'Newest hist.load_batches.batch_id when the output was computed.';
comment on column runtime.engine_cache.output is 'The engine''s rows for the date, without the run''s columns (a JSON array of objects).';
comment on column runtime.engine_cache.hits is 'How many runs reused the entry after the run that computed it.';
comment on column runtime.engine_cache.created_at is 'When the entry was computed.';

commit;
