-- Deploy prometheus:schema/table_runtime_strategy_configs to pg
begin;

create table runtime.strategy_configs (
  strategy_id text not null check (strategy_id ~ '^[A-Z][A-Z0-9_]{1,63}$') references runtime.strategies (strategy_id),
  config_json jsonb not null check (jsonb_typeof(config_json) = 'object'),
  updated_at timestamptz not null default now(),
  version integer not null default 1 check (version >= 1),
  is_active boolean not null default true,
  created_by text,
  source_proposal_id bigint,
  primary key (strategy_id, version)
);
create unique index strategy_configs_one_active_idx on runtime.strategy_configs (strategy_id) where is_active;
comment on table runtime.strategy_configs is 'Versioned strategy configurations (JSON validated by pycore.config.StrategyConfig). One active version per strategy; applying a meta proposal writes a new version.';
comment on column runtime.strategy_configs.strategy_id is 'Strategy identifier, e.g. US_CORE_LONG_EQ; registered in runtime.strategies.';
comment on column runtime.strategy_configs.config_json is 'The strategy configuration (see pycore.config.StrategyConfig).';
comment on column runtime.strategy_configs.updated_at is 'When this version was written.';
comment on column runtime.strategy_configs.version is 'Version number, 1, 2, ... per strategy.';
comment on column runtime.strategy_configs.is_active is 'True for the version runs use.';
comment on column runtime.strategy_configs.created_by is 'Who wrote the version (role or proposal).';
comment on column runtime.strategy_configs.source_proposal_id is 'The meta_config_proposals row this version applied, if any.';

commit;
