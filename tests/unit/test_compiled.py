"""The compiled core is really compiled, and its encoders and parser are right."""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import struct
import uuid

import pytest

import pycore_ext.copybuf as copybuf
import pycore_ext.pricecsv as pricecsv
from pycore_ext.copybuf import CopyBuffer, date_to_pg, pg_to_date
from pycore_ext.pricecsv import CsvRowError, parse_prices

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
TRAILER = b"\xff\xff"


@pytest.mark.parametrize("module", [copybuf, pricecsv])
def test_modules_are_compiled_extensions(module: object) -> None:
    path = str(getattr(module, "__file__", ""))
    assert any(path.endswith(sfx) for sfx in importlib.machinery.EXTENSION_SUFFIXES), f"{path} is not an extension module"
    assert isinstance(module.__loader__, importlib.machinery.ExtensionFileLoader)  # type: ignore[attr-defined]
    # Cython compiles functions to "cyfunction" objects, not interpreted Python functions.
    fn = module.parse_prices if module is pricecsv else module.date_to_pg  # type: ignore[attr-defined]
    assert type(fn).__name__ == "cython_function_or_method"


@pytest.mark.parametrize(
    "day",
    [dt.date(2000, 1, 1), dt.date(1999, 12, 31), dt.date(1990, 1, 2), dt.date(2024, 2, 29), dt.date(2026, 12, 31), dt.date(1926, 7, 1)],
)
def test_date_epoch_matches_postgres(day: dt.date) -> None:
    assert date_to_pg(day) == (day - dt.date(2000, 1, 1)).days
    assert pg_to_date(date_to_pg(day)) == day


def test_copy_buffer_encodes_binary_copy_format() -> None:
    buf = CopyBuffer()
    buf.begin_row(6)
    buf.put_int4(-2)
    buf.put_int8(1 << 40)
    buf.put_float8(1.5)
    buf.put_date(dt.date(2000, 1, 2))
    buf.put_text("AAPL")
    buf.put_null()
    assert buf.rows == 1
    expected = (
        struct.pack(">h", 6)
        + struct.pack(">ii", 4, -2)
        + struct.pack(">iq", 8, 1 << 40)
        + struct.pack(">id", 8, 1.5)
        + struct.pack(">ii", 4, 1)
        + struct.pack(">i", 4) + b"AAPL"
        + struct.pack(">i", -1)
    )
    assert buf.take() == HEADER + expected + TRAILER
    assert buf.rows == 0 and buf.nbytes == 0, "take() empties the buffer"


def test_copy_buffer_jsonb_uuid_bool() -> None:
    buf = CopyBuffer(capacity=8)  # forces growth
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    buf.begin_row(3)
    buf.put_jsonb('{"a": 1}')
    buf.put_uuid(u)
    buf.put_bool(True)
    body = buf.take()[len(HEADER) : -2]
    assert body == struct.pack(">h", 3) + struct.pack(">i", 9) + b'\x01{"a": 1}' + struct.pack(">i", 16) + u.bytes + struct.pack(">i", 1) + b"\x01"


def test_put_int4_refuses_overflow() -> None:
    with pytest.raises(OverflowError):
        CopyBuffer().put_int4(2**31)


# ---------------------------------------------------------------- price parser
SESSIONS = [dt.date(2021, 1, 4), dt.date(2021, 1, 5), dt.date(2021, 1, 6), dt.date(2021, 1, 7)]
HEAD = "date,ticker,open,high,low,close,adj_close,volume\n"


def _bitmap() -> tuple[bytes, int]:
    start = date_to_pg(SESSIONS[0])
    bits = bytearray(date_to_pg(SESSIONS[-1]) - start + 1)
    for d in SESSIONS:
        bits[date_to_pg(d) - start] = 1
    return bytes(bits), start


def _parse(text: str, **kw: object) -> tuple[CopyBuffer, dict[str, tuple[int, int, int]], list[tuple[int, str, int, str]]]:
    bits, start = _bitmap()
    return parse_prices(text.encode(), "f.csv", {"AAA", "BB.B"}, bits, start, **kw)  # type: ignore[arg-type]


def test_parse_prices_good_rows_and_stats() -> None:
    buf, stats, skipped = _parse(
        HEAD
        + "2021-01-04,AAA,10,11,9.5,10.5,10.4,1000\n"
        + "2021-01-05,AAA,10.5,10.5,10,10,9.9,0\n"
        + "2021-01-04,BB.B,1,1,1,1,1,5\r\n"
    )
    assert buf.rows == 3
    assert skipped == []
    assert stats == {
        "AAA": (date_to_pg(SESSIONS[0]), date_to_pg(SESSIONS[1]), 2),
        "BB.B": (date_to_pg(SESSIONS[0]), date_to_pg(SESSIONS[0]), 1),
    }
    body = buf.take()[len(HEADER) : -2]
    first = struct.pack(">h", 8) + struct.pack(">i", 3) + b"AAA" + struct.pack(">ii", 4, date_to_pg(SESSIONS[0]))
    assert body.startswith(first + struct.pack(">id", 8, 10.0) + struct.pack(">id", 8, 11.0))


@pytest.mark.parametrize(
    ("row", "line", "reason"),
    [
        ("2021-01-04,AAA,10,11,9.5,10.5,10.4\n", 2, "expected 8 fields, found 7"),
        ("2021-1-04,AAA,10,11,9.5,10.5,10.4,1\n", 2, "is not YYYY-MM-DD"),
        ("2021-02-30,AAA,10,11,9.5,10.5,10.4,1\n", 2, "does not exist"),
        ("2021-01-02,AAA,10,11,9.5,10.5,10.4,1\n", 2, "is not a trading session"),
        ("2021-01-04,ZZZ,10,11,9.5,10.5,10.4,1\n", 2, "ZZZ is not in the instrument list"),
        ("2021-01-04,aaa,10,11,9.5,10.5,10.4,1\n", 2, "characters other than"),
        ("2021-01-04,AAA,x,11,9.5,10.5,10.4,1\n", 2, "not a decimal number"),
        ("2021-01-04,AAA,10,11,9.5,-10.5,10.4,1\n", 2, "greater than zero"),
        ("2021-01-04,AAA,10,11,9.5,nan,10.4,1\n", 2, "not a decimal number"),
        ("2021-01-04,AAA,10,11,10.6,10.5,10.4,1\n", 2, "inconsistent bar"),
        ("2021-01-04,AAA,12,11,9.5,10.5,10.4,1\n", 2, "inconsistent bar"),
        ("2021-01-04,AAA,10,11,9.5,10.5,10.4,1.5\n", 2, "volume is not a whole"),
        ("2021-01-04,AAA,10,11,9.5,10.5,10.4,-1\n", 2, "volume is not a whole"),
        ("2021-01-05,AAA,10,11,9.5,10.5,10.4,1\n2021-01-04,AAA,10,11,9.5,10.5,10.4,1\n", 3, "not after the previous"),
        ("2021-01-05,AAA,10,11,9.5,10.5,10.4,1\n2021-01-05,AAA,10,11,9.5,10.5,10.4,1\n", 3, "not after the previous"),
        (
            "2021-01-04,AAA,10,11,9.5,10.5,10.4,1\n2021-01-04,BB.B,1,1,1,1,1,1\n2021-01-05,AAA,10,11,9.5,10.5,10.4,1\n",
            4,
            "appears again",
        ),
        ("\n2021-01-04,AAA,10,11,9.5,10.5,10.4,1\n", 2, "empty line"),
    ],
)
def test_parse_prices_rejects_bad_rows_with_file_line_and_reason(row: str, line: int, reason: str) -> None:
    with pytest.raises(CsvRowError) as err:
        _parse(HEAD + row)
    assert err.value.file_name == "f.csv"
    assert err.value.line == line
    assert reason in err.value.reason
    assert str(err.value).startswith(f"f.csv:{line}: ")


def test_parse_prices_rejects_wrong_header() -> None:
    with pytest.raises(CsvRowError, match=r"f.csv:1: header"):
        _parse("date,ticker,close\n2021-01-04,AAA,1\n")


def test_adjusted_only_requires_close_equal_adj_close() -> None:
    _parse(HEAD + "2021-01-04,AAA,10,11,9.5,10.5,10.50003,1\n", adjusted_only=True)
    with pytest.raises(CsvRowError, match="differs from adj_close"):
        _parse(HEAD + "2021-01-04,AAA,10,11,9.5,10.5,10.4,1\n", adjusted_only=True)


def test_known_bad_rows_are_skipped_not_repaired() -> None:
    bad = (("AAA", date_to_pg(SESSIONS[1])),)
    buf, _stats, skipped = _parse(
        HEAD + "2021-01-04,AAA,10,11,9.5,10.5,10.4,1\n2021-01-05,AAA,12,11,9.5,10.5,10.4,1\n2021-01-06,AAA,10,11,9.5,10.5,10.4,1\n",
        skip_rows=set(bad),
    )
    assert buf.rows == 2
    assert [(s[0], s[1], s[2]) for s in skipped] == [(3, "AAA", date_to_pg(SESSIONS[1]))]
    assert "inconsistent bar" in skipped[0][3]
    # a bad row that is not on the list still stops the parse
    with pytest.raises(CsvRowError):
        _parse(HEAD + "2021-01-06,AAA,12,11,9.5,10.5,10.4,1\n", skip_rows=set(bad))
