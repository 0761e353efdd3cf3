"""The market-data loader against real PostgreSQL and the shipped data."""

from __future__ import annotations

import csv
import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pycore.data.load import LoadError, default_data_dir, load
from pycore_ext.pricecsv import CsvRowError

DATA = default_data_dir()

# file -> table it feeds
FILES = {
    "us_eq_instruments.csv": "hist.instruments",
    "us_eq_prices_daily.csv.gz": "hist.prices_daily",
    "extension_2021_2026/us_eq_prices_daily_2021_plus.csv.gz": "hist.prices_daily",
    "extension_2021_2026/us_eq_prices_daily_2021_plus_adjonly.csv.gz": "hist.prices_daily",
    "us_eq_corporate_actions.csv.gz": "hist.corporate_actions",
    "extension_2021_2026/us_eq_corporate_actions_2021_plus.csv.gz": "hist.corporate_actions",
    "us_eq_qa_anomalies.csv": "hist.price_anomalies",
    "sp500_index_daily.csv.gz": "hist.index_levels",
    "extension_2021_2026/sp500_index_daily_2022_plus.csv.gz": "hist.index_levels",
    "vix_daily.csv.gz": "hist.vix_daily",
    "ff3_factors_daily.csv.gz": "hist.factor_returns_daily",
    "ff5_factors_daily.csv.gz": "hist.factor_returns_daily",
}
KNOWN_BAD = 1  # rows of data/known_bad_rows.csv


def data_rows(path: Path) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:  # type: ignore[operator]
        return sum(1 for _ in fh) - 1


def table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as c:
        return {t: c.execute(f"select count(*) from {t}").fetchone()[0] for t in set(FILES.values()) | {"hist.load_batches", "hist.trading_days", "hist.markets"}}  # type: ignore[index]


def test_counts_equal_the_files(loaded_db: str) -> None:
    expected: dict[str, int] = {}
    for name, table in FILES.items():
        expected[table] = expected.get(table, 0) + data_rows(DATA / name)
    expected["hist.prices_daily"] -= KNOWN_BAD
    expected["hist.price_anomalies"] += KNOWN_BAD  # the rejected source row is recorded as an anomaly
    counts = table_counts(loaded_db)
    for table, n in expected.items():
        assert counts[table] == n, f"{table}: {counts[table]} rows in the database, {n} in the files"
    assert counts["hist.load_batches"] == len(FILES)
    assert counts["hist.markets"] == 1


def test_second_load_adds_nothing(loaded_db: str) -> None:
    before = table_counts(loaded_db)
    report = load(loaded_db, DATA)
    assert report.rows_loaded == 0
    assert sum(s.skipped for s in report.stats.values()) == len(FILES)
    assert table_counts(loaded_db) == before


def test_seed_example_period_fully_covered(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    sessions = conn.execute(
        "select count(*) from hist.trading_days where calendar = 'XNYS' and trade_date >= '2023-01-01' and trade_date < '2024-01-01'"
    ).fetchone()[0]  # type: ignore[index]
    assert sessions == 250
    full = conn.execute(
        "select count(*) from (select instrument_id from hist.prices_daily where trade_date >= '2023-01-01' and trade_date < '2024-01-01' "
        "group by instrument_id having count(*) = %s) t",
        (sessions,),
    ).fetchone()[0]  # type: ignore[index]
    assert full == 468
    spx = conn.execute("select count(*) from hist.index_levels where trade_date >= '2023-01-01' and trade_date < '2024-01-01'").fetchone()[0]  # type: ignore[index]
    assert spx == sessions


def test_price_dates_are_sessions_and_within_instrument_span(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    off = conn.execute(
        "select count(*) from hist.prices_daily p left join hist.trading_days d on d.calendar = 'XNYS' and d.trade_date = p.trade_date where d.trade_date is null"
    ).fetchone()[0]  # type: ignore[index]
    assert off == 0
    bad_span = conn.execute(
        "select count(*) from hist.instruments i where first_date is null or last_date < first_date "
        "or first_date <> (select min(trade_date) from hist.prices_daily p where p.instrument_id = i.instrument_id)"
    ).fetchone()[0]  # type: ignore[index]
    assert bad_span == 0


def test_adjusted_only_instruments_are_marked(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    rows = conn.execute("select instrument_id, adjusted_only_from from hist.instruments where adjusted_only_from is not null").fetchall()
    assert len(rows) == 39
    assert {r[0] for r in rows} >= {"AAL", "ZION", "UA", "LB"}
    assert all(str(r[1]) == "2021-04-22" for r in rows)
    # their post-2021 actions are unknown, and none are recorded
    n = conn.execute(
        "select count(*) from hist.corporate_actions c join hist.instruments i using (instrument_id) where c.ex_date >= i.adjusted_only_from"
    ).fetchone()[0]  # type: ignore[index]
    assert n == 0


def test_flagged_rows_are_excluded_from_returns(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    flagged = conn.execute("select count(*) from hist.price_anomalies where exclude_return").fetchone()[0]  # type: ignore[index]
    assert flagged == 8 + 10 + KNOWN_BAD
    r = conn.execute(
        "select ret, excluded from hist.daily_returns where instrument_id = 'TRMB' and trade_date = '2007-02-23'"
    ).fetchone()
    assert r == (None, True)
    ua = conn.execute("select verdict from hist.price_anomalies where instrument_id = 'UA' and trade_date = '2021-05-05'").fetchone()
    assert ua == ("bad",)


def test_factors_are_fractions(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    mkt = conn.execute("select mkt_rf, rf from hist.factor_returns_daily where model = 'FF5' and trade_date = '1963-07-01'").fetchone()
    assert mkt == pytest.approx((-0.0067, 0.00012))


# ---------------------------------------------------------------- bad input
def mini_data_dir(dst: Path, lines: int = 400) -> Path:
    """A small but real data set: every file, cut to its first lines (instruments whole)."""
    for name in FILES:
        src = DATA / name
        out = dst / name
        out.parent.mkdir(parents=True, exist_ok=True)
        if name == "us_eq_instruments.csv":
            shutil.copy(src, out)
            continue
        opener = gzip.open if src.suffix == ".gz" else open
        with opener(src, "rt") as fin, opener(out, "wt") as fout:  # type: ignore[operator]
            for i, line in enumerate(fin):
                if i > lines:
                    break
                fout.write(line)
    return dst


def corrupt(path: Path, line_no: int, transform: object) -> str:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:  # type: ignore[operator]
        lines = fh.readlines()
    lines[line_no - 1] = transform(lines[line_no - 1])  # type: ignore[operator]
    with opener(path, "wt") as fh:  # type: ignore[operator]
        fh.writelines(lines)
    return lines[line_no - 1]


def test_mini_data_set_loads(fresh_db: str, tmp_path: Path) -> None:
    report = load(fresh_db, mini_data_dir(tmp_path))
    assert report.stats["hist.prices_daily"].rows == 3 * 400 or report.stats["hist.prices_daily"].rows > 0
    assert table_counts(fresh_db)["hist.load_batches"] == len(FILES)
    # every table the load wrote has planner statistics when it returns (without them a run's engines took minutes)
    with psycopg.connect(fresh_db) as conn:
        tables = [str(r[0]) for r in conn.execute("select relname from pg_class where relnamespace = 'hist'::regnamespace "
                                                  "and relkind = 'r' order by relname")]  # fmt: skip
        filled = [t for t in tables if conn.execute(sql.SQL("select exists (select from {})").format(
            sql.Identifier("hist", t))).fetchone() == (True,)]  # fmt: skip
        analyzed = {str(r[0]) for r in conn.execute("select distinct tablename from pg_stats where schemaname = 'hist'")}
    assert "instruments" in filled and "features_daily" in filled and "price_series" in filled
    assert [t for t in filled if t not in analyzed] == []


@pytest.mark.parametrize(
    ("name", "line", "transform", "reason"),
    [
        ("us_eq_prices_daily.csv.gz", 200, lambda s: s.replace(",", ";", 1), "expected 8 fields"),
        ("us_eq_prices_daily.csv.gz", 201, lambda s: "2005-13-01" + s[10:], "does not exist"),
        ("extension_2021_2026/us_eq_prices_daily_2021_plus.csv.gz", 300, lambda s: s.rsplit(",", 1)[0] + ",12.5\n", "volume"),
        ("us_eq_corporate_actions.csv.gz", 50, lambda s: s.rsplit(",", 1)[0] + ",-2\n", "split_coef must be greater than zero"),
        ("vix_daily.csv.gz", 10, lambda s: s.split(",")[0] + ",1,2,3,abc\n", "close 'abc' is not a number"),
        ("ff5_factors_daily.csv.gz", 7, lambda s: "1963-07-01" + s[10:], None),  # duplicate date: the primary key refuses it
        ("us_eq_qa_anomalies.csv", 5, lambda s: s.replace(s.split(",")[0], "NOPE", 1), "NOPE is not in the instrument list"),
    ],
)
def test_bad_row_stops_the_load_and_loads_nothing(
    fresh_db: str, tmp_path: Path, name: str, line: int, transform: object, reason: str | None
) -> None:
    data = mini_data_dir(tmp_path)
    corrupt(data / name, line, transform)
    with pytest.raises((CsvRowError, psycopg.Error)) as err:
        load(fresh_db, data)
    if reason is not None:
        assert isinstance(err.value, CsvRowError)
        assert err.value.file_name == name
        assert err.value.line == line
        assert reason in err.value.reason
    counts = table_counts(fresh_db)
    assert all(n == 0 for n in counts.values()), f"something was loaded: {counts}"


def test_changed_file_is_refused(fresh_db: str, tmp_path: Path) -> None:
    data = mini_data_dir(tmp_path)
    load(fresh_db, data)
    before = table_counts(fresh_db)
    corrupt(data / "vix_daily.csv.gz", 3, lambda s: s.replace(".", "1", 1))
    with pytest.raises(LoadError, match="changed since it was loaded"):
        load(fresh_db, data)
    assert table_counts(fresh_db) == before


def test_cli_bad_input_exits_non_zero_with_one_line(fresh_db: str, tmp_path: Path) -> None:
    data = mini_data_dir(tmp_path)
    corrupt(data / "us_eq_prices_daily.csv.gz", 100, lambda s: s.replace(",", ",,", 1))
    env = {"DATABASE_URL": fresh_db, "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-m", "pycore.load", "--data-dir", str(data)], capture_output=True, text=True, env=env, check=False)
    assert res.returncode == 1
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: load stopped, nothing was loaded: us_eq_prices_daily.csv.gz:100: expected 8 fields")
    res = subprocess.run([sys.executable, "-m", "pycore.load", "--data-dir", str(tmp_path / "nope")], capture_output=True, text=True, env=env, check=False)
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "does not exist" in res.stderr


def test_instruments_file_with_duplicate_ticker_is_refused(fresh_db: str, tmp_path: Path) -> None:
    data = mini_data_dir(tmp_path)
    with open(data / "us_eq_instruments.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    rows.append(rows[1])
    with open(data / "us_eq_instruments.csv", "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(CsvRowError, match=r"us_eq_instruments.csv:506: ticker MMM appears twice"):
        load(fresh_db, data)
