"""The compiled core's label lists are exactly the values the database allows.

A code the core writes becomes its label at COPY time (``SIDES[code]``, ...), and the runtime tables' CHECK
constraints decide what a label may be; the strategy-config schema decides which price models, commission types and
weightings a run may ask for. Each label tuple of the extension is read from its enum (``pycore_ext`` is the one
source; see tests/unit/test_ext_contracts.py), and here it is compared with the deployed database: the CHECK of the
column (read back with ``pg_get_constraintdef``) and the ``enum`` of the config schema's property.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from pycore_ext.portfolio import WEIGHTINGS
from pycore_ext.simulator import COMMISSION_TYPES, ORDER_TYPES, PRICE_MODELS, REASONS, SIDES, STATUSES

# (table, column, the extension's labels for it)
CHECKED_COLUMNS = [
    ("runtime.orders", "side", SIDES),
    ("runtime.orders", "order_type", ORDER_TYPES),
    ("runtime.orders", "status", STATUSES),
    ("runtime.orders", "reason", REASONS),
    ("runtime.fills", "side", SIDES),
    ("runtime.executed_actions", "side", SIDES),
    ("runtime.backtest_trades", "side", SIDES),
]
# (config property, a sibling property that identifies its object, the extension's labels for it)
CONFIG_ENUMS = [
    ("price_model", "slippage_bps", PRICE_MODELS),
    ("type", "rate", COMMISSION_TYPES),
    ("weighting", "top_k", WEIGHTINGS),
]


@pytest.fixture(scope="module")
def conn(template_db: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(template_db, autocommit=True) as c:
        yield c


def allowed_values(conn: psycopg.Connection[Any], table: str, column: str) -> set[str]:
    """The text literals of the one CHECK constraint on ``table.column`` alone (``column = ANY (ARRAY['A', ...])``)."""
    rows = conn.execute(
        """
        select pg_get_constraintdef(c.oid)
        from pg_constraint c
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
        where c.conrelid = %s::regclass and c.contype = 'c' and cardinality(c.conkey) = 1 and a.attname = %s
        """,
        (table, column),
    ).fetchall()
    assert len(rows) == 1, f"{table}.{column} has {len(rows)} single-column CHECK constraints, expected one"
    definition = rows[0][0]
    assert re.search(rf"\b{column}\b", definition) and "ANY (ARRAY[" in definition, definition
    return {m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'::text", definition)}


def config_enum(schema: Any, prop: str, sibling: str) -> list[str]:
    """The ``enum`` of property ``prop`` of the one object schema that also has property ``sibling``."""
    found: list[list[str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict) and prop in props and sibling in props:
                found.append(props[prop]["enum"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert len(found) == 1, f"{len(found)} object schemas have both {prop} and {sibling}"
    return found[0]


@pytest.mark.parametrize(("table", "column", "labels"), CHECKED_COLUMNS,
                         ids=[f"{t}.{c}" for t, c, _ in CHECKED_COLUMNS])
def test_each_label_list_equals_the_values_its_sql_check_allows(conn: psycopg.Connection[Any], table: str, column: str,
                                                                 labels: tuple[str, ...]) -> None:
    assert len(set(labels)) == len(labels), f"{labels} has a label twice"
    allowed = allowed_values(conn, table, column)
    assert set(labels) == allowed, f"the extension's labels for {table}.{column} differ from its CHECK"


def test_the_check_reader_sees_a_constraint_change(conn: psycopg.Connection[Any]) -> None:
    # the comparison above is only as good as the reader: a label added to a CHECK must show up in it
    with conn.transaction(force_rollback=True):
        conn.execute("alter table runtime.orders drop constraint orders_side_check")
        conn.execute("alter table runtime.orders add constraint orders_side_check "
                     "check (side in ('BUY', 'SELL', 'SHORT'))")
        assert allowed_values(conn, "runtime.orders", "side") == {"BUY", "SELL", "SHORT"} != set(SIDES)


@pytest.mark.parametrize(("prop", "sibling", "labels"), CONFIG_ENUMS, ids=[p for p, _, _ in CONFIG_ENUMS])
def test_each_config_label_list_equals_the_config_schemas_enum(conn: psycopg.Connection[Any], prop: str, sibling: str,
                                                               labels: tuple[str, ...]) -> None:
    row = conn.execute("select core.strategy_config_schema()").fetchone()
    assert row is not None
    enum = tuple(config_enum(row[0], prop, sibling))
    assert enum == labels, f"the extension's {prop} labels differ from the config schema"
