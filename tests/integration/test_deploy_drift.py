"""Deploy drift: a change's deploy script edited after it was deployed is noticed.

An edited file is simulated by changing the hash sqitch recorded for it
(``sqitch.changes.script_hash``); no project file is touched.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from pycore import db
from pycore.dev import deploy

ROOT = Path(__file__).resolve().parents[2]


def deployed(url: str) -> list[tuple[str, str, dt.datetime]]:
    """(change, script_hash, committed_at) of every deployed change, in deploy order."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("select change, script_hash, committed_at from sqitch.changes "
                            "where project = %s order by committed_at, change_id", (deploy.plan_project(),)).fetchall()
    assert all(isinstance(t, dt.datetime) for _, _, t in rows)
    return [(str(c), str(h), t) for c, h, t in rows]


def pretend_edited(url: str, *changes: str) -> None:
    """Record another hash for these changes, as if their files were edited after deploying them."""
    with psycopg.connect(url, autocommit=True) as conn:
        n = conn.execute("update sqitch.changes set script_hash = substr(md5('edited ' || change) || md5(change), 1, 40) "
                         "where project = %s and change = any(%s)", (deploy.plan_project(), list(changes))).rowcount
    assert n == len(changes)


def mark_hist(url: str) -> None:
    """Rows in two hist tables, standing in for loaded market data."""
    with psycopg.connect(url) as conn:
        conn.execute("insert into hist.markets (market_id, name, region, timezone, calendar, currency) "
                     "values ('ZZ_DRIFT', 'drift test', 'nowhere', 'UTC', 'XNYS', 'USD')")
        conn.execute("insert into hist.load_batches (file_name, sha256, target, row_count) "
                     "values ('drift.csv', repeat('a', 64), 'hist.markets', 1)")


def hist_marks(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        m = conn.execute("select count(*) from hist.markets where market_id = 'ZZ_DRIFT'").fetchone()
        b = conn.execute("select count(*) from hist.load_batches where file_name = 'drift.csv'").fetchone()
    assert m is not None and b is not None
    return int(m[0]), int(b[0])


def first_view_change(url: str) -> str:
    """The first deployed api view: after every hist table, with later changes depending on it."""
    return next(c for c, _, _ in deployed(url) if c.startswith("views/view_api_"))


def test_the_hash_sqitch_records_is_the_sha1_of_the_deploy_script(fresh_db: str) -> None:
    rows = deployed(fresh_db)
    assert len(rows) > 40
    for change, digest, _ in rows:
        assert deploy.script_hash(deploy.deploy_script(change)) == digest, change
    assert deploy.find_drift(fresh_db) is None, "a database deployed from these files has no drift"


def test_an_edited_change_is_rebased_from_it_and_later_hist_data_survives(
        fresh_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    mark_hist(fresh_db)
    before = deployed(fresh_db)
    names = [c for c, _, _ in before]
    first = first_view_change(fresh_db)
    later = names[names.index(first) + 3]
    pretend_edited(fresh_db, later, first)

    drift = deploy.deploy(fresh_db, quiet=True, on_drift="rebase")

    assert drift is not None
    assert drift.changed == (first, later), "the edited changes, in deploy order"
    assert drift.onto == names[names.index(first) - 1], "the rebase reverts to the change just before the first edited one"
    assert drift.redeploy == tuple(names[names.index(first):]), "it and every change after it are redeployed"
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("schema: redeployed"))
    assert f"{len(drift.redeploy)} deployed changes from {first} on" in line and later in line, line
    assert "load the market data again" not in line, "the hist tables were not touched"
    after = deployed(fresh_db)
    assert [c for c, _, _ in after] == names, "the same changes are deployed, in the same order"
    kept = names.index(first)
    assert after[:kept] == before[:kept], "changes before the first edited one are left alone"
    assert all(a[2] > b[2] for a, b in zip(after[kept:], before[kept:], strict=True)), "the rest were deployed again"
    assert deploy.find_drift(fresh_db) is None, "the recorded hashes are the files' again"
    assert hist_marks(fresh_db) == (1, 1), "the hist rows survive a rebase that starts after the hist tables"
    assert "Nothing to deploy" in deploy.sqitch("deploy", fresh_db, quiet=True)


def test_a_rebase_from_a_hist_table_drops_its_rows_and_says_to_load_again(
        fresh_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    mark_hist(fresh_db)
    pretend_edited(fresh_db, "schema/table_hist_load_batches")
    drift = deploy.deploy(fresh_db, quiet=True, on_drift="rebase")
    assert drift is not None and drift.redeploy[0] == "schema/table_hist_load_batches"
    assert "load the market data again" in capsys.readouterr().out
    assert hist_marks(fresh_db) == (1, 0), "hist.markets (before the edited change) keeps its rows, load_batches is new"
    assert deploy.find_drift(fresh_db) is None


def test_with_database_url_an_edited_change_is_refused_and_nothing_deployed(
        fresh_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = first_view_change(fresh_db)
    pretend_edited(fresh_db, first)
    before = deployed(fresh_db)
    monkeypatch.setenv("DATABASE_URL", fresh_db)
    with pytest.raises(deploy.DeployError) as err:
        deploy.deploy(fresh_db, quiet=True)  # the default when DATABASE_URL is set: refuse
    msg = str(err.value)
    assert first in msg and "python -m pycore.deploy rebase" in msg and "Nothing was deployed" in msg, msg
    assert deployed(fresh_db) == before, "nothing was reverted or deployed"


def test_the_embedded_cluster_rebases_by_default(fresh_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    params = conninfo_to_dict(fresh_db)
    host = Path(str(params.get("host") or ""))
    if host.name != "run" or not (host.parent / "data" / "PG_VERSION").exists():
        pytest.skip("the test server is not a cluster made by pycore.dev.cluster")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PROMETHEUS_PGDIR", str(host.parent))
    monkeypatch.setenv("PROMETHEUS_PGPORT", str(params["port"]))
    assert db.is_embedded(fresh_db)
    pretend_edited(fresh_db, first_view_change(fresh_db))
    assert deploy.deploy(fresh_db, quiet=True) is not None, "no DATABASE_URL, the embedded cluster: rebased"
    assert deploy.find_drift(fresh_db) is None


def test_the_command_refuses_then_rebases(fresh_db: str) -> None:
    first = first_view_change(fresh_db)
    pretend_edited(fresh_db, first)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["DATABASE_URL"] = fresh_db

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pycore.deploy", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=False)

    refused = run("deploy")
    assert refused.returncode == 1 and first in refused.stderr and "pycore.deploy rebase" in refused.stderr, refused.stderr
    status = run("status")
    assert "edited since deployed: " in status.stdout and first in status.stdout, status.stdout
    rebased = run("rebase")
    assert rebased.returncode == 0, rebased.stderr
    assert "schema: redeployed" in rebased.stdout and first in rebased.stdout, rebased.stdout
    again = run("rebase")
    assert again.returncode == 0 and "no deployed change was edited" in again.stdout, again.stdout
    assert run("deploy").returncode == 0
