"""Strategies users write, the registry that knows them, and the guard every user strategy runs behind.

A strategy is a row of ``runtime.strategies`` (kind, code, parameter schema) with config versions in
``runtime.strategy_configs``. Three kinds:

* ``BUILTIN``: US_CORE_LONG_EQ (:class:`pycore.run.strategies.CoreLongEquity`, fed by the SQL engines);
* ``PYTHON``: a class with ``target_positions_fn(date) -> {instrument_id: weight}``, constructed as
  ``cls(params, data)`` with its validated :attr:`Strategy.Params` and a :class:`~pycore.run.pit.PointInTime`
  accessor; found by its code, ``module.path:Class``, ``path/to/file.py:Class`` or ``entry_point:NAME`` (entry-point
  group :data:`ENTRY_POINT_GROUP`);
* ``SQL``: a function ``(as_of date, params jsonb) returns table (instrument_id text, weight float8)`` reading the
  ``pit`` views, run through ``core.strategy_targets`` as role ``strategy_sandbox``.

A strategy's config is the common :class:`~pycore.run.config.StrategyConfig` (market, capital, rebalancing,
execution) plus ``params``, the strategy's own pydantic model; its JSON Schema is stored in the registry, and
``api.run_backtest`` checks overrides against it, as :func:`parse_strategy_config` does here.

Whatever a user strategy does, the runner sees a :class:`GuardedStrategy`: an exception or a bad return value (not
a mapping, an unknown instrument, a weight that is not a finite number >= 0, a gross above ``params.max_gross``)
becomes :class:`StrategyFailed` naming the strategy and the decision date; the run service then fails the run and
removes its rows.
"""

from __future__ import annotations

import abc
import datetime as dt
import functools
import importlib
import importlib.metadata
import importlib.util
import json
import math
import numbers
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

import psycopg
from psycopg.types.json import Jsonb
from pydantic import Field, ValidationError, create_model

from pycore.data.marketdata import MarketData
from pycore.run.config import (
    ConfigError,
    StrategyConfig,
    _Config,
    _strip_annotations,
    deep_merge,
    describe,
)
from pycore.run.pit import PointInTime

ENTRY_POINT_GROUP = "prometheus.strategies"
KINDS = ("BUILTIN", "PYTHON", "SQL")


class UnknownStrategy(LookupError):
    """No strategy of that id is registered (CLI exit 2, HTTP 404 PT404)."""


class StrategyFailed(ValueError):
    """A user strategy raised or returned something the runner cannot trade; the message names the date."""


class StrategyParams(_Config):
    """Base of a strategy's parameter model: strict JSON types, unknown keys refused, and the gross limit."""

    max_gross: float = Field(1.0, gt=0, le=1, description="the targets' weights may sum to at most this")


@runtime_checkable
class Strategy(Protocol):
    """What a Python strategy is: constructed with its params and the point-in-time data, asked for targets."""

    def target_positions_fn(self, day: dt.date) -> Mapping[str, float]: ...


class BaseStrategy(abc.ABC):
    """A convenient base: keeps ``params`` and ``data``; subclasses set ``Params`` and write ``target_positions_fn``.

    ``lookback_days``: sessions of history the strategy reads before the first decision (the run loads them).
    """

    Params: ClassVar[type[StrategyParams]] = StrategyParams
    lookback_days: ClassVar[int] = 260
    description: ClassVar[str] = ""

    def __init__(self, params: Any, data: PointInTime) -> None:
        self.params = params
        self.data = data

    @abc.abstractmethod
    def target_positions_fn(self, day: dt.date) -> Mapping[str, float]:
        """The target weights for the decision on ``day``: instrument id -> weight (what every strategy writes)."""


@dataclass(frozen=True)
class StrategySpec:
    """A registry row."""

    strategy_id: str
    kind: str
    code: str
    config_schema: dict[str, Any] | None
    description: str = ""


# --- finding the code ----------------------------------------------------------------------------------------------


def entry_points() -> dict[str, str]:
    """Installed strategies of the entry-point group: {name: "module:attr"}."""
    return {ep.name: ep.value for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def resolve_code(code: str) -> type[Any]:
    """The class a registry ``code`` names: ``entry_point:NAME``, ``path/to/file.py:Class`` or ``module:Class``."""
    kind, _, rest = code.partition(":")
    if kind == "entry_point":
        found = [ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == rest]
        if not found:
            raise UnknownStrategy(f"no installed entry point {rest!r} in group {ENTRY_POINT_GROUP}")
        obj = found[0].load()
    else:
        target, _, attr = code.rpartition(":")
        if not target or not attr:
            raise ValueError(f"strategy code {code!r} is not module:Class, file.py:Class or entry_point:NAME")
        if target.endswith(".py"):
            path = Path(target).expanduser().resolve()
            if not path.is_file():
                raise UnknownStrategy(f"strategy file {path} does not exist")
            name = f"prometheus_user_strategy_{abs(hash(str(path)))}"
            module = sys.modules.get(name)
            if module is None:
                spec = importlib.util.spec_from_file_location(name, path)
                if spec is None or spec.loader is None:
                    raise UnknownStrategy(f"cannot import {path}")
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                spec.loader.exec_module(module)
        else:
            try:
                module = importlib.import_module(target)
            except ImportError as exc:
                raise UnknownStrategy(f"cannot import strategy module {target!r}: {exc}") from None
        try:
            obj = getattr(module, attr)
        except AttributeError:
            raise UnknownStrategy(f"{target} has no {attr!r}") from None
    if not isinstance(obj, type) or not callable(getattr(obj, "target_positions_fn", None)):
        raise TypeError(f"{code} is not a class with target_positions_fn(date)")
    return obj


def params_model(cls: type[Any]) -> type[StrategyParams]:
    model = getattr(cls, "Params", StrategyParams)
    if not (isinstance(model, type) and issubclass(model, StrategyParams)):
        raise TypeError(f"{cls.__name__}.Params must subclass pycore.run.registry.StrategyParams")
    return model


@functools.cache
def config_model(params: type[StrategyParams] | None) -> type[StrategyConfig]:
    """The whole config of a strategy: the common fields plus ``params`` (a JSON object for SQL strategies)."""
    if params is None:
        return create_model(
            "SqlStrategyConfig", __base__=StrategyConfig, params=(dict[str, Any], Field(default_factory=dict))
        )
    return create_model(f"{params.__name__}Config", __base__=StrategyConfig, params=(params, params()))


def config_schema(params: type[StrategyParams]) -> dict[str, Any]:
    """The JSON Schema of a Python strategy's whole config, as the database validates with."""
    return _strip_annotations(config_model(params).model_json_schema())


# --- reading the registry ------------------------------------------------------------------------------------------


def load_spec(conn: psycopg.Connection[Any], strategy_id: str) -> StrategySpec:
    row = conn.execute(
        "select strategy_id, kind, code, config_schema, description from runtime.strategies where strategy_id = %s",
        (strategy_id,),
    ).fetchone()
    if row is None:
        known = [r[0] for r in conn.execute("select strategy_id from runtime.strategies order by 1")]
        raise UnknownStrategy(f"unknown strategy {strategy_id!r}; registered: {', '.join(known) or 'none'}")
    return StrategySpec(*row)


def list_strategies(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Every registered strategy with its active version (``python -m pycore.backtest strategies``)."""
    rows = conn.execute(
        "select s.strategy_id, s.kind, s.code, s.description, c.version, c.config_json -> 'params' "
        "from runtime.strategies s left join runtime.strategy_configs c on c.strategy_id = s.strategy_id and c.is_active "
        "order by s.strategy_id"
    ).fetchall()
    keys = ("strategy_id", "kind", "code", "description", "version", "params")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def parse_strategy_config(
    conn: psycopg.Connection[Any] | None, spec: StrategySpec, data: dict[str, Any], overrides: dict[str, Any] | None
) -> StrategyConfig:
    """The validated config of ``spec`` (its active ``data`` with ``overrides``): ConfigError naming each bad field's
    path (``params.top_n: ...``) before anything runs."""
    doc = deep_merge(data, overrides or {})
    if spec.kind == "BUILTIN":
        model: type[StrategyConfig] = StrategyConfig
    elif spec.kind == "PYTHON":
        model = config_model(params_model(resolve_code(spec.code)))
    else:
        model = config_model(None)
        if conn is not None:
            errors = conn.execute(
                "select path, message from core.config_errors(core.strategy_schema(%s), %s)",
                (spec.strategy_id, Jsonb(doc)),
            ).fetchall()
            if errors:
                raise ConfigError("invalid strategy config: " + "; ".join(f"{p}: {m}" for p, m in errors))
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise ConfigError(f"invalid strategy config: {describe(exc)}") from None


def lookback_days(spec: StrategySpec) -> int:
    """Sessions of history a strategy reads before its first decision."""
    if spec.kind == "PYTHON":
        return int(getattr(resolve_code(spec.code), "lookback_days", 260))
    return 0


# --- registering -------------------------------------------------------------------------------------------------


def register_python(
    conn: psycopg.Connection[Any],
    strategy_id: str,
    code: str,
    *,
    description: str | None = None,
    config: dict[str, Any] | None = None,
    created_by: str = "pycore",
) -> StrategySpec:
    """Register a Python strategy: its class is imported (so a bad code is refused now), its schema derived from its
    Params, its default config (version 1) validated and stored. Committed by the caller."""
    cls = resolve_code(code)
    pm = params_model(cls)
    text = description or str(getattr(cls, "description", "") or "")
    spec = StrategySpec(strategy_id, "PYTHON", code, config_schema(pm), text)
    doc = deep_merge({"strategy_id": strategy_id, "params": pm().model_dump(mode="json")}, config or {})
    cfg = parse_strategy_config(None, spec, doc, None)
    exists = conn.execute("select 1 from runtime.strategies where strategy_id = %s", (strategy_id,)).fetchone()
    if exists:
        raise ConfigError(f"strategy {strategy_id} is already registered")
    conn.execute(
        "insert into runtime.strategies (strategy_id, kind, code, config_schema, description, created_by) "
        "values (%s, 'PYTHON', %s, %s, %s, %s)",
        (strategy_id, code, Jsonb(spec.config_schema), spec.description, created_by),
    )
    conn.execute(
        "insert into runtime.strategy_configs (strategy_id, config_json, version, is_active, created_by) "
        "values (%s, %s, 1, true, %s)",
        (strategy_id, Jsonb(cfg.model_dump(mode="json")), created_by),
    )
    return spec


def sync_entry_points(conn: psycopg.Connection[Any]) -> list[str]:
    """Register every installed entry point of the group not registered yet (id: the name, upper-cased)."""
    added = []
    for name in sorted(entry_points()):
        sid = name.upper()
        if conn.execute("select 1 from runtime.strategies where strategy_id = %s", (sid,)).fetchone() is None:
            register_python(conn, sid, f"entry_point:{name}")
            added.append(sid)
    return added


# --- running -----------------------------------------------------------------------------------------------------


def _is_weight(w: Any) -> bool:
    return isinstance(w, numbers.Real) and not isinstance(w, bool)


class GuardedStrategy:
    """What the runner calls for a user strategy: moves the accessor to the decision date, calls the strategy and
    checks what it returned; any fault becomes :class:`StrategyFailed` with the strategy's message and the date."""

    def __init__(
        self,
        strategy_id: str,
        inner: Any,
        data: PointInTime | None,
        max_gross: float,
        regime_scale: Any = None,
    ) -> None:
        self.strategy_id = strategy_id
        self.inner = inner
        self.data = data
        self.instruments = frozenset(data.instruments) if data is not None else frozenset()
        self.max_gross = max_gross
        self.regime_scale = regime_scale
        """day -> (regime, gross multiplier) from the config's portfolio.regime_scaling (None: off)"""
        self.scales: dict[dt.date, tuple[str | None, float]] = {}

    def _fail(self, day: dt.date, message: str) -> StrategyFailed:
        return StrategyFailed(f"strategy {self.strategy_id} on {day}: {message}")

    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        if self.data is not None:
            self.data.set_decision_date(day)
        try:
            raw = self.inner.target_positions_fn(day)
        except psycopg.OperationalError:
            raise  # the database went away: a transient fault, not the strategy's
        except StrategyFailed as exc:
            raise self._fail(day, str(exc)) from exc
        except Exception as exc:
            raise self._fail(day, f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(raw, Mapping):
            raise self._fail(
                day, f"returned {type(raw).__name__} {str(raw)[:80]}, not a mapping of instrument to weight"
            )
        targets: dict[str, float] = {}
        for name, w in raw.items():
            if not isinstance(name, str) or (self.instruments and name not in self.instruments):
                raise self._fail(day, f"unknown instrument {name!r}")
            if not _is_weight(w):
                raise self._fail(day, f"weight of {name} is {type(w).__name__} {str(w)[:40]}, not a number")
            wf = float(w)
            if not math.isfinite(wf) or wf < 0:
                raise self._fail(day, f"weight of {name} is {wf}; weights must be finite and >= 0")
            if wf > 0:
                targets[name] = wf
        gross = math.fsum(targets.values())
        if gross > self.max_gross + 1e-9:
            raise self._fail(
                day, f"weights sum to {gross:.6f}, above the gross limit params.max_gross = {self.max_gross}"
            )
        if self.data is not None:
            self.data.record_targets(day, targets)
        if self.regime_scale is not None:  # the meta layer's regime proposals apply to every strategy
            regime, scale = self.regime_scale(day)
            self.scales[day] = (regime, scale)
            targets = {name: w * scale for name, w in targets.items()}
        return targets

    def decision_context(self, day: dt.date) -> dict[str, Any]:
        extra = getattr(self.inner, "decision_context", None)
        out: dict[str, Any] = {"engine": self.strategy_id, "as_of_date": day.isoformat()}
        if day in self.scales:
            out["regime"], out["regime_scale"] = self.scales[day]
        if callable(extra):
            try:
                out.update(json.loads(json.dumps(extra(day), default=str)))
            except Exception as exc:
                raise self._fail(day, f"decision_context: {type(exc).__name__}: {exc}") from exc
        return out

    def optimization_params(self, day: dt.date) -> dict[str, Any] | None:
        extra = getattr(self.inner, "optimization_params", None)
        if not callable(extra):
            return None
        try:
            return dict(json.loads(json.dumps(extra(day), default=str)))
        except Exception as exc:
            raise self._fail(day, f"optimization_params: {type(exc).__name__}: {exc}") from exc


class SqlStrategy:
    """A registered SQL strategy: its targets come from ``core.strategy_targets`` on a connection of its own, one
    transaction per decision, rolled back (a strategy changes nothing)."""

    def __init__(self, strategy_id: str, url: str, params: dict[str, Any]) -> None:
        self.strategy_id = strategy_id
        self.params = params
        self.conn: psycopg.Connection[Any] = psycopg.connect(url)

    def target_positions_fn(self, day: dt.date) -> dict[str, Any]:
        try:
            rows = self.conn.execute(
                "select instrument_id, weight from core.strategy_targets(%s, %s, %s)",
                (self.strategy_id, day, Jsonb(self.params)),
            ).fetchall()
        except psycopg.Error as exc:
            self.conn.rollback()
            if isinstance(exc, psycopg.OperationalError):
                raise
            msg = (exc.diag.message_primary or str(exc)).strip()
            raise StrategyFailed(f"{exc.sqlstate}: {msg}") from None
        self.conn.rollback()
        out: dict[str, Any] = {}
        for name, w in rows:
            if name in out:
                raise StrategyFailed(f"instrument {name} returned twice")
            out[name] = float("nan") if w is None else w
        return out

    def close(self) -> None:
        self.conn.close()


def build_user_strategy(
    spec: StrategySpec, cfg: StrategyConfig, md: MarketData, url: str, regime_fn: Any = None
) -> GuardedStrategy:
    """The guarded strategy of a PYTHON or SQL registry row, ready for the runner. With ``portfolio.regime_scaling``
    set, its targets are scaled by the multiplier of the regime known before each decision (as the built-in's)."""
    params = getattr(cfg, "params", None)
    guard = _build_guard(spec, params, md, url, regime_fn)
    scaling = cfg.portfolio.regime_scaling
    if scaling and regime_fn is not None:

        def regime_scale(day: dt.date) -> tuple[str | None, float]:
            regime = regime_fn(day)
            return regime, float(scaling.get(regime, 1.0)) if regime is not None else 1.0

        guard.regime_scale = regime_scale
    return guard


def _build_guard(spec: StrategySpec, params: Any, md: MarketData, url: str, regime_fn: Any) -> GuardedStrategy:
    if spec.kind == "PYTHON":
        data = PointInTime(md, regime_fn)
        cls = resolve_code(spec.code)
        try:
            inner = cls(params, data)
        except Exception as exc:
            raise StrategyFailed(
                f"strategy {spec.strategy_id}: constructing {cls.__name__}: {type(exc).__name__}: {exc}"
            ) from exc
        max_gross = float(getattr(params, "max_gross", 1.0))
        return GuardedStrategy(spec.strategy_id, inner, data, max_gross)
    if spec.kind == "SQL":
        p = dict(params or {})
        guard = GuardedStrategy(
            spec.strategy_id, SqlStrategy(spec.strategy_id, url, p), None, float(p.get("max_gross", 1.0))
        )
        guard.instruments = frozenset(md.instruments)
        return guard
    raise ValueError(f"{spec.strategy_id} is {spec.kind}: built by pycore.run.strategies.make_strategy")


def close_strategy(strategy: Any) -> None:
    inner = getattr(strategy, "inner", None)
    if isinstance(inner, SqlStrategy):
        inner.close()
