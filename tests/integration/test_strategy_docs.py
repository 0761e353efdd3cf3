"""The two examples of docs/STRATEGIES.md, exactly as written there, end to end: register, then run from the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pycore.db import with_user

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "STRATEGIES.md").read_text()


def block(lang: str, marker: str) -> str:
    found = [b for b in re.findall(rf"```{lang}\n(.*?)```", DOC, re.S) if marker in b]
    assert len(found) == 1, f"one {lang} block with {marker!r}"
    return found[0]


def cli(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYCORE_DATABASE_URL": with_user(url, "pycore_writer")}
    return subprocess.run([sys.executable, "-m", "pycore.backtest", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False)


def test_the_python_example_is_twenty_lines_and_runs(loaded_db: str, tmp_path: Path) -> None:
    code = block("python", "class CalmTrend")
    assert len([ln for ln in code.splitlines() if ln.strip()]) <= 20
    (tmp_path / "my_strategy.py").write_text(code)
    reg = cli(loaded_db, tmp_path, "strategies", "register", "CALM_TREND", "my_strategy.py:CalmTrend")
    assert reg.returncode == 0, reg.stderr
    assert "registered CALM_TREND (PYTHON" in reg.stdout
    run = cli(loaded_db, tmp_path, "run", "CALM_TREND", "2020-01-01", "2020-12-31", "US_EQ", "--quiet")
    assert run.returncode == 0, run.stderr
    assert "run_id:" in run.stdout
    (tmp_path / "calm30.json").write_text('{"params": {"top_n": 300}}')
    bad = cli(loaded_db, tmp_path, "run", "CALM_TREND", "2020-01-01", "2020-12-31", "US_EQ", "--config", "calm30.json")
    assert bad.returncode == 1 and "params.top_n" in bad.stderr


def test_the_sql_example_is_fifteen_lines_and_runs(loaded_db: str, tmp_path: Path) -> None:
    code = block("sql", "create function strategies.month_losers")
    body = [ln for ln in code.splitlines() if ln.strip() and not ln.startswith("--")]
    assert len(body) <= 15
    with psycopg.connect(loaded_db, autocommit=True) as conn:
        conn.execute(code)  # as the database owner, as the doc's psql session
    run = cli(loaded_db, tmp_path, "run", "MONTH_LOSERS", "2020-01-01", "2020-12-31", "US_EQ", "--quiet")
    assert run.returncode == 0, run.stderr
    with psycopg.connect(loaded_db) as conn:
        sizes = {r[0] for r in conn.execute(
            "select (select count(*) from jsonb_object_keys(t.target_positions)) from runtime.target_portfolios t "
            "join runtime.backtest_runs r using (run_id) where r.strategy_id = 'MONTH_LOSERS'")}
    assert sizes == {20}


@pytest.mark.parametrize("snippet", ["strategies register CALM_TREND my_strategy.py:CalmTrend",
                                     "run MONTH_LOSERS 2018-01-01 2021-04-21 US_EQ"])
def test_the_doc_shows_the_commands(snippet: str) -> None:
    assert snippet in DOC
