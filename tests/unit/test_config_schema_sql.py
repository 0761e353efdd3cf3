"""The strategy config models as the one parameter schema: the generated SQL cannot drift from them, and the rules
the database checks (JSON Schema keywords) are the rules the models apply."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from pycore.run import config
from pycore.run.config import (
    DEFAULT_STRATEGIES,
    LESS_THAN_FIELD,
    SCHEMA_SQL_FILE,
    ConfigError,
    StrategyConfig,
    config_errors,
    less_than,
    parse_config,
    strategy_config_schema,
    strategy_config_schema_sql,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = DEFAULT_STRATEGIES["US_CORE_LONG_EQ"]


def test_checked_in_schema_sql_is_what_the_models_generate() -> None:
    checked_in = (ROOT / SCHEMA_SQL_FILE).read_text()
    assert checked_in == strategy_config_schema_sql(), (
        f"{SCHEMA_SQL_FILE} is stale: the pydantic models changed; run python -m pycore.config schema-sql --write")


def test_the_cli_checks_and_prints_the_same_sql() -> None:
    res = subprocess.run([sys.executable, "-m", "pycore.config", "schema-sql", "--check"], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert res.returncode == 0, res.stderr
    out = subprocess.run([sys.executable, "-m", "pycore.config", "schema-sql"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout == strategy_config_schema_sql()


def test_the_sql_embeds_exactly_the_exported_schema() -> None:
    text = strategy_config_schema_sql()
    embedded = text.split("$json$")[1]
    assert json.loads(embedded) == strategy_config_schema()


def _nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if ("type" in node or "$ref" in node or "anyOf" in node) else []
        return found + [n for v in node.values() for n in _nodes(v)]
    if isinstance(node, list):
        return [n for v in node for n in _nodes(v)]
    return []


def test_the_schema_carries_every_rule_and_no_prose() -> None:
    schema = strategy_config_schema()
    text = json.dumps(schema)
    assert '"title"' not in text and '"description"' not in text
    assessment = schema["$defs"]["AssessmentConfig"]["properties"]
    assert assessment["momentum_skip_days"][LESS_THAN_FIELD] == "momentum_lookback_days"
    scaling = schema["$defs"]["PortfolioConfig"]["properties"]["regime_scaling"]["anyOf"][0]
    assert scaling["additionalProperties"] == {"type": "number", "minimum": 0, "maximum": 1}
    assert scaling["propertyNames"]["enum"] == ["CALM_BULL", "VOLATILE_BULL", "CALM_BEAR", "VOLATILE_BEAR", "CRISIS"]
    # every model object refuses unknown keys
    objects = [n for n in _nodes(schema) if n.get("type") == "object" and "properties" in n]
    assert len(objects) == 6 and all(n["additionalProperties"] is False for n in objects)
    # no validator, only declared rules: a model-level or field-level check in Python would be a rule the schema lacks
    for model in (StrategyConfig, config.AssessmentConfig, config.UniverseConfig, config.PortfolioConfig,
                  config.ExecutionConfig, config.CommissionConfig):
        decorators = model.__pydantic_decorators__
        assert not decorators.model_validators, f"{model.__name__} has a model validator the schema cannot carry"
        assert set(decorators.field_validators) == {"_cross_field_rules"}, f"{model.__name__} has its own field validator"


def test_the_seed_config_is_valid() -> None:
    assert config_errors(SEED) == []
    assert parse_config(SEED).model_dump(mode="json") == SEED


@pytest.mark.parametrize(("override", "path"), [
    ({"portfolio": {"top_k": 5.0}}, "portfolio.top_k"),
    ({"portfolio": {"top_k": "5"}}, "portfolio.top_k"),
    ({"portfolio": {"top_k": True}}, "portfolio.top_k"),
    ({"portfolio": {"max_weight": "0.1"}}, "portfolio.max_weight"),
    ({"portfolio": {"max_weight": False}}, "portfolio.max_weight"),
    ({"initial_capital": float("inf")}, "initial_capital"),
    ({"initial_capital": float("nan")}, "initial_capital"),
    ({"market_id": 5}, "market_id"),
])
def test_types_are_strict_as_json_schema_says(override: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigError, match=rf"invalid strategy config: {path}: "):
        parse_config(SEED, override)


def test_a_number_field_takes_an_integer() -> None:
    assert parse_config(SEED, {"portfolio": {"max_weight": 1}}).portfolio.max_weight == 1.0


def test_the_cross_field_rule_names_the_field_and_checks_defaults() -> None:
    assert config_errors({"strategy_id": "AB", "assessment": {"momentum_lookback_days": 63, "momentum_skip_days": 63}}) == [
        ("assessment.momentum_skip_days", "must be less than momentum_lookback_days (63)")]
    # the default skip (21) is checked against a given lookback
    assert [p for p, _ in config_errors({"strategy_id": "AB", "assessment": {"momentum_lookback_days": 21}})] == [
        "assessment.momentum_skip_days"]
    # an invalid lookback is reported alone, the rule needs a valid sibling
    assert [p for p, _ in config_errors({"strategy_id": "AB", "assessment": {"momentum_lookback_days": 5, "momentum_skip_days": 30}})] == [
        "assessment.momentum_lookback_days"]


def test_a_rule_naming_a_later_field_is_refused_when_the_model_is_defined() -> None:
    with pytest.raises(TypeError, match="must be a field declared before it"):
        class Bad(config._Config):
            low: int = Field(1, json_schema_extra=less_than("high"))
            high: int = 2


def test_regime_labels_are_the_regime_engines() -> None:
    sql = (ROOT / "db/functions/function_run_regimes.sql").read_text()
    labels = strategy_config_schema()["$defs"]["PortfolioConfig"]["properties"]["regime_scaling"]["anyOf"][0]["propertyNames"]["enum"]
    for label in labels:
        assert f"'{label}'" in sql


def test_checked_in_example_strategies_are_what_the_models_generate() -> None:
    from pycore.run.examples import BUILTIN_SQL_FILE, EXAMPLES, builtin_strategies_sql
    from pycore.run.registry import config_schema

    checked_in = (ROOT / BUILTIN_SQL_FILE).read_text()
    assert checked_in == builtin_strategies_sql(), (
        f"{BUILTIN_SQL_FILE} is stale: a params model changed; run python -m pycore.config schema-sql --write")
    for sid, (_kind, _code, params, _description) in EXAMPLES.items():
        assert json.dumps(config_schema(params), sort_keys=True) in checked_in, f"{sid}'s schema is embedded whole"
