-- Deploy prometheus:schema/data_strategy_config_us_core_long_eq to pg
-- The seed's strategy, version 1, with the defaults of pycore.config.StrategyConfig
-- (a test checks the two agree).
begin;

insert into runtime.strategies (strategy_id, kind, code, config_schema, description, created_by)
values ('US_CORE_LONG_EQ', 'BUILTIN', 'pycore.run.strategies:CoreLongEquity', null,
        'The seed''s core long-only US equity sleeve: 12-1 momentum / low-volatility composite over the 200 most liquid names, top 50, sector caps (SQL engines core.run_assessment and core.run_universe).',
        'sqitch')
on conflict do nothing;

insert into runtime.strategy_configs (strategy_id, version, is_active, created_by, config_json)
values ('US_CORE_LONG_EQ', 1, true, 'sqitch', '{
  "strategy_id": "US_CORE_LONG_EQ",
  "market_id": "US_EQ",
  "portfolio_id": "MAIN",
  "initial_capital": 1000000.0,
  "assessment": {"momentum_lookback_days": 252, "momentum_skip_days": 21, "volatility_window_days": 60, "momentum_weight": 0.7},
  "universe": {"top_n_liquidity": 200, "liquidity_window_days": 60, "min_price": 5.0, "min_history_days": 252, "max_fragility": null},
  "portfolio": {"top_k": 50, "weighting": "EQUAL", "max_weight": 0.05, "sector_cap": 0.3, "rebalance": "MONTHLY",
                "rebalance_every_n_days": 21, "regime_scaling": null},
  "execution": {"price_model": "close", "commission": {"type": "per_share", "rate": 0.005, "minimum": 1.0},
                "slippage_bps": 5.0, "impact_bps": 100.0, "volume_cap": 0.1, "min_trade_value": 1000.0}
}'::jsonb)
on conflict do nothing;

commit;
