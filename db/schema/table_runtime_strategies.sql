-- Deploy prometheus:schema/table_runtime_strategies to pg
-- The strategy registry: every strategy the system can run, what kind it is, where its code lives and the parameter
-- schema its configs are checked against. runtime.strategy_configs holds each strategy's config versions.
begin;

create table runtime.strategies (
  strategy_id   text primary key check (strategy_id ~ '^[A-Z][A-Z0-9_]{1,63}$'),
  kind          text not null check (kind in ('BUILTIN', 'PYTHON', 'SQL')),
  code          text not null check (code <> ''),
  config_schema jsonb check (config_schema is null or jsonb_typeof(config_schema) = 'object'),
  description   text not null default '',
  created_at    timestamptz not null default now(),
  created_by    text
);
comment on table runtime.strategies is 'The strategy registry: one row per strategy id (built-in, Python or SQL); an id without a row here is refused by every door. Config versions are in runtime.strategy_configs.';
comment on column runtime.strategies.strategy_id is 'Strategy identifier, e.g. XMOM50.';
comment on column runtime.strategies.kind is 'BUILTIN (the engines-based US_CORE_LONG_EQ), PYTHON (a class with target_positions_fn) or SQL (a set-returning function of the decision date and params).';
comment on column runtime.strategies.code is 'Where the code lives. BUILTIN and PYTHON: "module.path:Class", "path/to/file.py:Class" or "entry_point:NAME" (group prometheus.strategies); SQL: the function, schema-qualified, with signature (date, jsonb).';
comment on column runtime.strategies.config_schema is 'The JSON Schema of the strategy''s whole config (its own params included) that core.config_errors checks configs and overrides against; null: core.strategy_config_schema().';
comment on column runtime.strategies.description is 'One line on what the strategy does.';
comment on column runtime.strategies.created_at is 'When the strategy was registered.';
comment on column runtime.strategies.created_by is 'Who registered it (sqitch, a role, the CLI).';

commit;
