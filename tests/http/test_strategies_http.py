"""User strategies over HTTP: one from an installed entry point and one from a module path, both run by a worker;
the registry read model; unknown strategies (404 PT404) and bad params (400 22023) refused; a failing strategy's
job shows the reason.

The entry point comes from a tiny distribution written into a temporary directory (its ``*.dist-info`` with an
``entry_points.txt``) that the worker and the CLI see on their PYTHONPATH: installed as far as importlib.metadata
is concerned, and gone with the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pycore.db import with_user
from tests.http.conftest import ROOT, Api, Workers

STRATEGY = textwrap.dedent('''
    import datetime as dt
    from typing import ClassVar
    from pydantic import Field
    from pycore.run.registry import BaseStrategy, StrategyParams

    class Params(StrategyParams):
        top_n: int = Field(10, ge=1, le=100)

    class {cls}(BaseStrategy):
        """The top_n names by last month's return, equal weight."""
        Params: ClassVar[type[StrategyParams]] = Params
        lookback_days: ClassVar[int] = 30

        def target_positions_fn(self, day: dt.date) -> dict[str, float]:
            last = self.data.momentum(22, 0)
            picks = sorted(last, key=lambda n: (-last[n], n))[: self.params.top_n]
            return {{n: 1 / len(picks) for n in picks}}
''')


@pytest.fixture(scope="module")
def user_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("user-strategies")
    pkg = root / "acme_strategies"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(STRATEGY.format(cls="ShortMomentum"))
    dist = root / "acme_strategies-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-strategies\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[prometheus.strategies]\nacme_short_mom = acme_strategies:ShortMomentum\n")
    (root / "my_strategy.py").write_text(STRATEGY.format(cls="FileMomentum"))
    return root


@pytest.fixture(scope="module")
def registered(api: Api, user_code: Path) -> Iterator[Path]:
    env = {**os.environ, "PYTHONPATH": str(user_code), "PYCORE_DATABASE_URL": with_user(api.db_url, "pycore_writer")}
    sync = subprocess.run([sys.executable, "-m", "pycore.backtest", "strategies", "sync"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert sync.returncode == 0 and "ACME_SHORT_MOM" in sync.stdout, sync.stderr
    reg = subprocess.run([sys.executable, "-m", "pycore.backtest", "strategies", "register", "FILE_MOM",
                          f"{user_code / 'my_strategy.py'}:FileMomentum"], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=False)
    assert reg.returncode == 0, reg.stderr
    yield user_code


@pytest.fixture(scope="module")
def user_worker(api_db: str, registered: Path) -> Iterator[None]:
    w = Workers(api_db)
    w.env["PYTHONPATH"] = str(registered)
    w.start()
    yield
    w.stop()


def test_the_registry_over_http(api: Api, registered: Path) -> None:
    rows = {r["strategy_id"]: r for r in api.get("/strategies?order=strategy_id").json()}
    assert rows["ACME_SHORT_MOM"]["kind"] == "PYTHON" and rows["ACME_SHORT_MOM"]["code"] == "entry_point:acme_short_mom"
    assert rows["FILE_MOM"]["code"].endswith("my_strategy.py:FileMomentum")
    assert rows["LOWVOL100"]["kind"] == "SQL" and rows["US_CORE_LONG_EQ"]["kind"] == "BUILTIN"
    assert rows["FILE_MOM"]["config_json"]["params"] == {"top_n": 10, "max_gross": 1.0}
    assert rows["FILE_MOM"]["config_schema"]["properties"]["params"]


@pytest.mark.parametrize("strategy", ["ACME_SHORT_MOM", "FILE_MOM"])
def test_a_user_strategy_runs_through_the_worker(api: Api, user_worker: None, strategy: str) -> None:
    job_id = api.submit(strategy_id=strategy, start_date="2023-01-01", end_date="2023-06-30", market_ids=["US_EQ"],
                        portfolio_id=f"HTTP_{strategy}", config_overrides={"params": {"top_n": 7}})
    job = api.wait_job(job_id)[-1]
    assert job["status"] == "SUCCEEDED", job
    targets = api.get(f"/run_comparison?run_id=eq.{job['run_id']}").json()
    assert targets, "the run is stored like any other"
    sizes = api.sql("select count(*) from runtime.target_portfolios t, jsonb_object_keys(t.target_positions) k "
                    "where t.run_id = %s group by t.target_id", job["run_id"])
    assert sizes and all(n == 7 for (n,) in sizes), "the run used the overridden params"


def test_unknown_strategy_and_bad_params_are_refused(api: Api, registered: Path) -> None:
    r = api.rpc("run_backtest", {"strategy_id": "MY_IDEA", "start_date": "2023-01-01", "end_date": "2023-06-30"},
                token=api.operator)
    assert r.status_code == 404 and r.json()["code"] == "PT404"
    r = api.rpc("run_backtest", {"strategy_id": "FILE_MOM", "start_date": "2023-01-01", "end_date": "2023-06-30",
                                 "config_overrides": {"params": {"top_n": 0}}}, token=api.operator)
    assert r.status_code == 400 and r.json()["code"] == "22023" and "params.top_n" in r.json()["message"]


def test_a_sql_strategy_registered_over_http_that_fails_shows_the_reason_in_its_job(api: Api, user_worker: None) -> None:
    with psycopg.connect(api.db_url, autocommit=True) as conn:  # written in psql by the database owner
        conn.execute("create or replace function strategies.http_lever(as_of date, params jsonb) "
                     "returns table (instrument_id text, weight double precision) language sql stable "
                     "as $$ select 'AAPL', (params ->> 'w')::float8 $$")
    body = {"strategy_id": "HTTP_LEVER", "function_name": "strategies.http_lever", "params": {"w": 2.0}}
    assert api.rpc("register_strategy", body).status_code == 401, "registering is the operator's"
    r = api.rpc("register_strategy", body, token=api.operator)
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "SQL"
    job_id = api.submit(strategy_id="HTTP_LEVER", start_date="2023-01-01", end_date="2023-03-31", market_ids=["US_EQ"],
                        portfolio_id="HTTP_FAIL")
    job = api.wait_job(job_id)[-1]
    assert job["status"] == "FAILED", job
    assert "strategy HTTP_LEVER on 2023-01-03: weights sum to 2.000000, above the gross limit" in job["error"]
    rows = api.sql("select count(*) from runtime.target_portfolios where run_id = %s", job["run_id"]) if job["run_id"] else [(0,)]
    assert rows == [(0,)], "the failed run's rows are gone"
