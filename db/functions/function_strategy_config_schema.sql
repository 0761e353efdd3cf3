-- Deploy prometheus:functions/function_strategy_config_schema to pg
-- GENERATED from pycore.config.StrategyConfig by `python -m pycore.config schema-sql --write`: do not edit by hand.
-- The parameter schema of a strategy config; core.config_errors checks documents against it. A unit test fails
-- when this file and the pydantic models differ.
begin;

create or replace function core.strategy_config_schema()
returns jsonb
language sql
immutable
parallel safe
set search_path = ''
as $schema$
select $json${
  "$defs": {
    "AssessmentConfig": {
      "additionalProperties": false,
      "properties": {
        "momentum_lookback_days": {
          "default": 252,
          "maximum": 756,
          "minimum": 21,
          "type": "integer"
        },
        "momentum_skip_days": {
          "default": 21,
          "maximum": 63,
          "minimum": 0,
          "type": "integer",
          "x-lessThanField": "momentum_lookback_days"
        },
        "volatility_window_days": {
          "default": 60,
          "maximum": 252,
          "minimum": 10,
          "type": "integer"
        },
        "momentum_weight": {
          "default": 0.7,
          "maximum": 1,
          "minimum": 0,
          "type": "number"
        }
      },
      "type": "object"
    },
    "CommissionConfig": {
      "additionalProperties": false,
      "properties": {
        "type": {
          "default": "per_share",
          "enum": [
            "per_share",
            "bps"
          ],
          "type": "string"
        },
        "rate": {
          "default": 0.005,
          "maximum": 10000,
          "minimum": 0,
          "type": "number"
        },
        "minimum": {
          "default": 1.0,
          "maximum": 10000,
          "minimum": 0,
          "type": "number"
        }
      },
      "type": "object"
    },
    "ExecutionConfig": {
      "additionalProperties": false,
      "properties": {
        "price_model": {
          "default": "close",
          "enum": [
            "close",
            "next_open"
          ],
          "type": "string"
        },
        "commission": {
          "$ref": "#/$defs/CommissionConfig",
          "default": {
            "type": "per_share",
            "rate": 0.005,
            "minimum": 1.0
          }
        },
        "slippage_bps": {
          "default": 5.0,
          "maximum": 1000,
          "minimum": 0,
          "type": "number"
        },
        "impact_bps": {
          "default": 100.0,
          "maximum": 100000,
          "minimum": 0,
          "type": "number"
        },
        "volume_cap": {
          "default": 0.1,
          "exclusiveMinimum": 0,
          "maximum": 1,
          "type": "number"
        },
        "min_trade_value": {
          "default": 1000.0,
          "minimum": 0,
          "type": "number"
        }
      },
      "type": "object"
    },
    "PortfolioConfig": {
      "additionalProperties": false,
      "properties": {
        "top_k": {
          "default": 50,
          "maximum": 1000,
          "minimum": 1,
          "type": "integer"
        },
        "weighting": {
          "default": "EQUAL",
          "enum": [
            "EQUAL",
            "INVERSE_VOL"
          ],
          "type": "string"
        },
        "max_weight": {
          "default": 0.05,
          "exclusiveMinimum": 0,
          "maximum": 1,
          "type": "number"
        },
        "sector_cap": {
          "default": 0.3,
          "exclusiveMinimum": 0,
          "maximum": 1,
          "type": "number"
        },
        "rebalance": {
          "default": "MONTHLY",
          "enum": [
            "MONTHLY",
            "EVERY_N_DAYS"
          ],
          "type": "string"
        },
        "rebalance_every_n_days": {
          "default": 21,
          "maximum": 252,
          "minimum": 1,
          "type": "integer"
        },
        "regime_scaling": {
          "anyOf": [
            {
              "additionalProperties": {
                "maximum": 1,
                "minimum": 0,
                "type": "number"
              },
              "propertyNames": {
                "enum": [
                  "CALM_BULL",
                  "VOLATILE_BULL",
                  "CALM_BEAR",
                  "VOLATILE_BEAR",
                  "CRISIS"
                ]
              },
              "type": "object"
            },
            {
              "type": "null"
            }
          ],
          "default": null
        }
      },
      "type": "object"
    },
    "UniverseConfig": {
      "additionalProperties": false,
      "properties": {
        "top_n_liquidity": {
          "default": 200,
          "maximum": 5000,
          "minimum": 1,
          "type": "integer"
        },
        "liquidity_window_days": {
          "default": 60,
          "maximum": 252,
          "minimum": 5,
          "type": "integer"
        },
        "min_price": {
          "default": 5.0,
          "minimum": 0,
          "type": "number"
        },
        "min_history_days": {
          "default": 252,
          "maximum": 5000,
          "minimum": 1,
          "type": "integer"
        },
        "max_fragility": {
          "anyOf": [
            {
              "exclusiveMinimum": 0,
              "maximum": 1,
              "type": "number"
            },
            {
              "type": "null"
            }
          ],
          "default": null
        }
      },
      "type": "object"
    }
  },
  "additionalProperties": false,
  "properties": {
    "strategy_id": {
      "pattern": "^[A-Z][A-Z0-9_]{1,63}$",
      "type": "string"
    },
    "market_id": {
      "default": "US_EQ",
      "pattern": "^[A-Z][A-Z0-9_]{1,31}$",
      "type": "string"
    },
    "portfolio_id": {
      "anyOf": [
        {
          "pattern": "^[A-Za-z0-9_.-]{1,64}$",
          "type": "string"
        },
        {
          "type": "null"
        }
      ],
      "default": null
    },
    "initial_capital": {
      "default": 1000000.0,
      "exclusiveMinimum": 0,
      "maximum": 1000000000000.0,
      "type": "number"
    },
    "assessment": {
      "$ref": "#/$defs/AssessmentConfig",
      "default": {
        "momentum_lookback_days": 252,
        "momentum_skip_days": 21,
        "volatility_window_days": 60,
        "momentum_weight": 0.7
      }
    },
    "universe": {
      "$ref": "#/$defs/UniverseConfig",
      "default": {
        "top_n_liquidity": 200,
        "liquidity_window_days": 60,
        "min_price": 5.0,
        "min_history_days": 252,
        "max_fragility": null
      }
    },
    "portfolio": {
      "$ref": "#/$defs/PortfolioConfig",
      "default": {
        "top_k": 50,
        "weighting": "EQUAL",
        "max_weight": 0.05,
        "sector_cap": 0.3,
        "rebalance": "MONTHLY",
        "rebalance_every_n_days": 21,
        "regime_scaling": null
      }
    },
    "execution": {
      "$ref": "#/$defs/ExecutionConfig",
      "default": {
        "price_model": "close",
        "commission": {
          "minimum": 1.0,
          "rate": 0.005,
          "type": "per_share"
        },
        "slippage_bps": 5.0,
        "impact_bps": 100.0,
        "volume_cap": 0.1,
        "min_trade_value": 1000.0
      }
    }
  },
  "required": [
    "strategy_id"
  ],
  "type": "object"
}$json$::jsonb
$schema$;

comment on function core.strategy_config_schema() is
'The JSON Schema of a strategy config (runtime.strategy_configs.config_json), generated from the pydantic model pycore.config.StrategyConfig: types, bounds, enums, patterns, unknown keys refused, and the cross-field rule x-lessThanField (the value must be less than the named sibling field). core.config_errors(core.strategy_config_schema(), doc) lists what is wrong with a config; api.run_backtest refuses bad config_overrides with it.';

commit;
