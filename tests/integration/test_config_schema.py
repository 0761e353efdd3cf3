"""One parameter schema, two validators: every bad config override is refused by the core's pydantic models AND by the
database's core.config_errors (what api.run_backtest checks), with the same field path; every good one is accepted by
both. The cases cover every rule of the schema (a test fails when a new rule has no case)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pycore.run.config import LESS_THAN_FIELD, config_errors, deep_merge, strategy_config_schema

SCHEMA = strategy_config_schema()
RULES = ("type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "pattern", "required",
         "additionalProperties", "propertyNames", LESS_THAN_FIELD)
BAD_STRING = "not valid!"  # matches none of the id patterns
WRONG_TYPES: dict[str, list[Any]] = {"integer": [1.5, "1", True, 21.0], "number": ["1", True, [1]], "string": [1, True],
                                     "object": [5, "x", []]}


@dataclass(frozen=True)
class Case:
    """A config override (or a whole document when ``whole``), the error paths it must give, and the rule it breaks
    as (schema path, keyword); dict keys are ``*`` in schema paths."""

    doc: Any
    paths: tuple[str, ...]
    rule: tuple[str, str] | None = None
    whole: bool = False

    @property
    def id(self) -> str:
        return json.dumps(self.doc, sort_keys=True)[:90]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return dict(SCHEMA["$defs"][node["$ref"].split("/")[-1]])
    return node


def _nest(path: list[str], value: Any) -> dict[str, Any]:
    out: Any = value
    for key in reversed(path):
        out = {key: out}
    return dict(out)


def _leaves(node: dict[str, Any], path: list[str], spath: list[str]) -> Iterator[tuple[list[str], list[str], dict[str, Any], bool]]:
    """(override path, schema path, schema, nullable) of every property, depth first."""
    node = _resolve(node)
    for name, prop in node.get("properties", {}).items():
        nullable = False
        sub = _resolve(prop)
        if "anyOf" in sub:
            others = [b for b in sub["anyOf"] if b != {"type": "null"}]
            assert len(others) == 1 and len(sub["anyOf"]) == 2, f"{name}: only X | None is generated"
            nullable, sub = True, _resolve(others[0])
        yield [*path, name], [*spath, name], sub, nullable
        if sub.get("type") == "object":
            yield from _leaves(sub, [*path, name], [*spath, name])
            if isinstance(sub.get("additionalProperties"), dict):
                key = sub.get("propertyNames", {}).get("enum", ["K"])[0]
                yield [*path, name, key], [*spath, name, "*"], sub["additionalProperties"], False


def _generated() -> tuple[list[Case], list[Case]]:
    """Cases derived from the schema: each bound just inside (good) and just outside (bad), each enum value, wrong types."""
    bad: list[Case] = []
    good: list[Case] = []
    for path, spath, sub, nullable in _leaves(SCHEMA, [], []):
        p, sp = ".".join(path), ".".join(spath)
        t = str(sub.get("type"))
        if nullable:
            good.append(Case(_nest(path, None), ()))
        else:
            bad.append(Case(_nest(path, None), (p,), (sp, "type")))
        wrong = WRONG_TYPES[t]
        bad += [Case(_nest(path, w), (p,), (sp, "type")) for w in wrong]
        if t in ("integer", "number"):
            step = 1 if t == "integer" else 0.001
            for rule, sign, inclusive in (("minimum", -1, True), ("maximum", 1, True),
                                          ("exclusiveMinimum", -1, False), ("exclusiveMaximum", 1, False)):
                if rule in sub:
                    bound = sub[rule]
                    bound = int(bound) if t == "integer" else float(bound)
                    beyond = bound + sign * step if inclusive else bound
                    inside = bound if inclusive else bound - sign * step
                    bad.append(Case(_nest(path, beyond), (p,), (sp, rule)))
                    good.append(Case(_nest(path, inside), ()))
        for value in sub.get("enum", []):
            good.append(Case(_nest(path, value), ()))
        if "enum" in sub:
            bad.append(Case(_nest(path, "NOT_ONE_OF_THEM"), (p,), (sp, "enum")))
        if "pattern" in sub:
            bad.append(Case(_nest(path, BAD_STRING), (p,), (sp, "pattern")))
    return bad, good


SCALING = "portfolio.regime_scaling"
HAND_BAD = [
    # the issue's example and an unknown key, in every object
    Case({"portfolio": {"top_k": -5}}, ("portfolio.top_k",)),
    Case({"top_kk": 5}, ("top_kk",), ("", "additionalProperties")),
    Case({"assessment": {"momentum_lookbak_days": 100}}, ("assessment.momentum_lookbak_days",), ("assessment", "additionalProperties")),
    Case({"universe": {"max_fragilty": 0.5}}, ("universe.max_fragilty",), ("universe", "additionalProperties")),
    Case({"portfolio": {"top_kk": 5}}, ("portfolio.top_kk",), ("portfolio", "additionalProperties")),
    Case({"execution": {"slipage_bps": 1}}, ("execution.slipage_bps",), ("execution", "additionalProperties")),
    Case({"execution": {"commission": {"per_share": 0.01}}}, ("execution.commission.per_share",), ("execution.commission", "additionalProperties")),
    # the cross-field rule, at and beyond the sibling, with the sibling given or stored
    Case({"assessment": {"momentum_lookback_days": 30, "momentum_skip_days": 30}}, ("assessment.momentum_skip_days",),
         ("assessment.momentum_skip_days", LESS_THAN_FIELD)),
    Case({"assessment": {"momentum_lookback_days": 30, "momentum_skip_days": 63}}, ("assessment.momentum_skip_days",)),
    Case({"assessment": {"momentum_lookback_days": 21}}, ("assessment.momentum_skip_days",)),  # stored skip is 21
    # regime scaling: labels of the regime engine only, scales in [0, 1]
    Case({"portfolio": {"regime_scaling": {"CRISES": 0.5}}}, (f"{SCALING}.CRISES.[key]",), (f"{SCALING}", "propertyNames")),
    Case({"portfolio": {"regime_scaling": {"crisis": 0.5, "CRISIS": 2}}}, (f"{SCALING}.CRISIS", f"{SCALING}.crisis.[key]")),
    Case({"portfolio": {"regime_scaling": {"CALM_BULL": -0.01}}}, (f"{SCALING}.CALM_BULL",)),
    Case({"portfolio": {"regime_scaling": {"CALM_BULL": "1"}}}, (f"{SCALING}.CALM_BULL",)),
    # several errors at once, each named
    Case({"portfolio": {"top_k": 0, "weighting": "equal"}, "execution": {"volume_cap": 0}},
         ("execution.volume_cap", "portfolio.top_k", "portfolio.weighting")),
    # a whole section replaced by something else
    Case({"execution": {"commission": None}}, ("execution.commission",)),
    Case({"universe": []}, ("universe",)),
    # a huge number: the database keeps it exactly, the core's float cannot hold it
    Case({"initial_capital": 10**400}, ("initial_capital",)),
    # whole documents (a stored config), where required fields and defaults matter
    Case({}, ("strategy_id",), ("", "required"), whole=True),
    Case({"strategy_id": "AB", "assessment": {"momentum_lookback_days": 21}}, ("assessment.momentum_skip_days",), whole=True),
    Case([], ("config",), ("", "type"), whole=True),
]
HAND_GOOD = [
    Case({}, ()),
    Case({"portfolio": {"top_k": 10}}, ()),
    Case({"portfolio": {"max_weight": 1, "sector_cap": 0.25}}, ()),  # an integer where a number is asked
    Case({"portfolio": {"regime_scaling": {"CRISIS": 0.3, "VOLATILE_BEAR": 0.5, "CALM_BULL": 1}}}, ()),
    Case({"portfolio": {"regime_scaling": {}}}, ()),
    Case({"assessment": {"momentum_lookback_days": 64, "momentum_skip_days": 63}}, ()),
    Case({"assessment": {"momentum_lookback_days": 22}}, ()),
    Case({"universe": {"max_fragility": 0.8, "min_price": 0}}, ()),
    Case({"execution": {"commission": {"type": "bps", "rate": 2, "minimum": 0}, "price_model": "next_open"}}, ()),
    Case({"portfolio_id": None, "market_id": "US_EQ"}, ()),
    Case({"initial_capital": 250000}, ()),
    Case({"strategy_id": "AB"}, (), whole=True),
    Case({"strategy_id": "AB", "assessment": {"momentum_skip_days": 63}}, (), whole=True),
]
GEN_BAD, GEN_GOOD = _generated()
BAD = HAND_BAD + GEN_BAD
GOOD = HAND_GOOD + GEN_GOOD


@pytest.fixture(scope="module")
def db(template_db: str) -> Iterator[tuple[psycopg.Connection[Any], dict[str, Any]]]:
    with psycopg.connect(template_db, autocommit=True) as conn:
        row = conn.execute("select config_json from runtime.strategy_configs where strategy_id = 'US_CORE_LONG_EQ' and is_active").fetchone()
        assert row is not None
        yield conn, row[0]


def _both(db: tuple[psycopg.Connection[Any], dict[str, Any]], case: Case) -> tuple[list[str], list[str]]:
    """(pydantic's error paths, the database's error paths) for the case, each as the worker and run_backtest see it."""
    conn, stored = db
    text = json.dumps(case.doc)
    if case.whole:
        row = conn.execute("select %s::jsonb, array(select path from core.config_errors(core.strategy_config_schema(), %s::jsonb))",
                           (text, text)).fetchone()
        assert row is not None
        doc, sql_paths = row
    else:
        # run_backtest merges in SQL; the worker reads the override back from runtime.jobs and merges in Python
        row = conn.execute(
            "select %s::jsonb, core.config_merge(%s, %s::jsonb), "
            "array(select path from core.config_errors(core.strategy_config_schema(), core.config_merge(%s, %s::jsonb)))",
            (text, Jsonb(stored), text, Jsonb(stored), text)).fetchone()
        assert row is not None
        override, sql_merged, sql_paths = row
        doc = deep_merge(stored, override)
        assert doc == sql_merged, "core.config_merge and pycore.config.deep_merge disagree"
    py_paths = sorted({p for p, _ in config_errors(doc)})
    return py_paths, sorted(set(sql_paths))


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
def test_a_bad_config_is_refused_by_both_with_the_same_field(db: tuple[psycopg.Connection[Any], dict[str, Any]], case: Case) -> None:
    py_paths, sql_paths = _both(db, case)
    assert py_paths == sorted(case.paths), "pydantic"
    assert sql_paths == sorted(case.paths), "core.config_errors"


@pytest.mark.parametrize("case", GOOD, ids=[c.id for c in GOOD])
def test_a_good_config_is_accepted_by_both(db: tuple[psycopg.Connection[Any], dict[str, Any]], case: Case) -> None:
    py_paths, sql_paths = _both(db, case)
    # a bound of the lookback at its minimum makes the stored skip (21) too big: both must say so, nothing else
    if case.doc == {"assessment": {"momentum_lookback_days": 21}}:
        assert py_paths == sql_paths == ["assessment.momentum_skip_days"]
        return
    assert py_paths == [], "pydantic"
    assert sql_paths == [], "core.config_errors"


def _schema_rules(node: dict[str, Any], spath: list[str]) -> Iterator[tuple[str, str]]:
    node = _resolve(node)
    if "anyOf" in node:
        for branch in node["anyOf"]:
            if branch != {"type": "null"}:
                yield from _schema_rules(branch, spath)
        return
    for kw in RULES:
        if kw in node and not (kw == "additionalProperties" and isinstance(node[kw], dict)) and not (kw == "required" and not node[kw]):
            yield ".".join(spath), kw
    for name, sub in node.get("properties", {}).items():
        yield from _schema_rules(sub, [*spath, name])
    if isinstance(node.get("additionalProperties"), dict):
        yield from _schema_rules(node["additionalProperties"], [*spath, "*"])


def test_the_cases_cover_every_rule_of_the_schema() -> None:
    rules = set(_schema_rules(SCHEMA, []))
    covered = {c.rule for c in BAD if c.rule is not None}
    assert rules - covered == set(), f"rules without a bad case: {sorted(rules - covered)}"
    assert ("assessment.momentum_skip_days", LESS_THAN_FIELD) in rules and ("portfolio.regime_scaling", "propertyNames") in rules


def test_an_unknown_keyword_is_refused_not_skipped(db: tuple[psycopg.Connection[Any], dict[str, Any]]) -> None:
    conn, _ = db
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="multipleOf"):
        conn.execute("select * from core.config_errors('{\"type\": \"number\", \"multipleOf\": 2}', '3')")
