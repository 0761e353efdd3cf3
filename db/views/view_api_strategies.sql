-- Deploy prometheus:views/view_api_strategies to pg
-- The strategy registry as the console and curl read it (GET /strategies).
begin;

create or replace view api.strategies as
select s.strategy_id, s.kind, s.code, s.description,
       a.version as active_version,
       (select array_agg(c.version order by c.version) from runtime.strategy_configs c where c.strategy_id = s.strategy_id)
         as versions,
       a.config_json,
       (select c.config_json from runtime.strategy_configs c where c.strategy_id = s.strategy_id order by c.version limit 1)
         as default_config,
       s.config_schema,
       s.created_at, s.created_by
  from runtime.strategies s
  left join runtime.strategy_configs a on a.strategy_id = s.strategy_id and a.is_active;

comment on view api.strategies is 'Every registered strategy: kind (BUILTIN, PYTHON, SQL), where its code lives, the active config version and its config, the first (default) config, every version, and the JSON Schema its configs and run overrides are checked against (its own params included). POST /rpc/run_backtest takes any strategy_id listed here.';
comment on column api.strategies.strategy_id is 'Strategy identifier.';
comment on column api.strategies.kind is 'BUILTIN, PYTHON or SQL.';
comment on column api.strategies.code is 'Where its code lives: module:Class, file.py:Class, entry_point:NAME or a SQL function.';
comment on column api.strategies.description is 'What it does.';
comment on column api.strategies.active_version is 'The config version runs use.';
comment on column api.strategies.versions is 'Every config version.';
comment on column api.strategies.config_json is 'The active config.';
comment on column api.strategies.default_config is 'Config version 1, as registered.';
comment on column api.strategies.config_schema is 'JSON Schema of its config; config_overrides of a run must keep to it.';
comment on column api.strategies.created_at is 'When it was registered.';
comment on column api.strategies.created_by is 'Who registered it.';

notify pgrst, 'reload schema';

commit;
