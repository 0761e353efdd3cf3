"""Set-up is idempotent: the cluster, the schema, the packages and the main job."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from pycore import db
from pycore.dev import cluster as devdb
from pycore.dev import deploy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_cluster() -> object:
    base = Path(tempfile.mkdtemp(prefix="prometheus-setup-test-"))
    from tests.conftest import _free_port

    cluster = db.Cluster(base=base, port=_free_port())
    yield cluster
    devdb.stop_cluster(cluster)
    shutil.rmtree(base, ignore_errors=True)


def test_cluster_is_created_once_and_reused(own_cluster: db.Cluster) -> None:
    assert not devdb.is_running(own_cluster)
    devdb.ensure_cluster(own_cluster)
    assert devdb.is_running(own_cluster)
    pid = (own_cluster.data_dir / "postmaster.pid").read_text().splitlines()[0]
    version_mtime = (own_cluster.data_dir / "PG_VERSION").stat().st_mtime
    devdb.ensure_cluster(own_cluster)  # second run: nothing changes, no restart
    assert (own_cluster.data_dir / "postmaster.pid").read_text().splitlines()[0] == pid
    assert (own_cluster.data_dir / "PG_VERSION").stat().st_mtime == version_mtime
    url = own_cluster.url("postgres")
    assert devdb.ensure_database(url, "prometheus") is True
    assert devdb.ensure_database(url, "prometheus") is False
    with psycopg.connect(own_cluster.url("prometheus")) as conn:
        assert conn.execute("show server_version_num").fetchone()[0].startswith("15")  # type: ignore[index]
        assert conn.execute("show listen_addresses").fetchone()[0] == "127.0.0.1"  # type: ignore[index]
    # stopped clusters come back with their data
    assert devdb.stop_cluster(own_cluster) is True
    devdb.ensure_cluster(own_cluster)
    assert devdb.ensure_database(url, "prometheus") is False


def test_cluster_refuses_a_port_taken_by_another_server(own_cluster: db.Cluster, pg_server: str) -> None:
    params = psycopg.conninfo.conninfo_to_dict(pg_server)
    host = str(params.get("host") or "")
    if "port" not in params or not (host.startswith("/") or host in ("", "localhost", "127.0.0.1")):
        pytest.skip("the test server is not on this machine's loopback")
    taken = db.Cluster(base=own_cluster.base, port=int(params["port"]))
    with pytest.raises(devdb.DevDbError, match="is taken by another server"):
        devdb.ensure_cluster(taken)


def test_second_deploy_changes_nothing(fresh_db: str) -> None:
    out = deploy.sqitch("deploy", fresh_db, quiet=True)
    assert "Nothing to deploy" in out


def test_setup_script_second_run_is_a_no_op() -> None:
    first = subprocess.run(["bash", "scripts/setup.sh"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(["bash", "scripts/setup.sh"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert second.returncode == 0, second.stderr
    assert second.stdout == "setup: ok\n", "a second set-up must install nothing"


def test_main_job_is_idempotent(loaded_db: str, tmp_path: Path) -> None:
    from tests.conftest import _free_port

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": loaded_db, "PROMETHEUS_RUN_DIR": str(tmp_path), "PROMETHEUS_API_PORT": str(port),
           "PROMETHEUS_PROXY_PORT": str(_free_port()),
           "PGRST_DB_URI": db.with_user(loaded_db, "authenticator"), "PYCORE_DATABASE_URL": db.with_user(loaded_db, "pycore_writer")}
    try:
        res = subprocess.run([sys.executable, "-m", "pycore.stack", "up", "--campaign", "small"], cwd=ROOT,
                             capture_output=True, text=True, env=env, check=False)
    finally:
        down = subprocess.run([sys.executable, "-m", "pycore.stack", "down"], cwd=ROOT, capture_output=True, text=True,
                              env=env, check=False)
    assert res.returncode == 0, res.stderr
    assert down.returncode == 0 and "gateway: stopped" in down.stdout and "worker: stopped" in down.stdout, down.stdout
    assert "proxy: stopped" in down.stdout, down.stdout
    assert "UNEXPECTED" not in res.stdout and f"curl 'http://localhost:{env['PROMETHEUS_PROXY_PORT']}/api/status/overview'" \
        in res.stdout, "the seed's URLs answered through nginx"
    assert not list(tmp_path.glob("*.pid")), "down removes the pid files"
    # the services came up, the campaign ran through the workers, every seed endpoint answered with data
    assert "campaign US_CORE_LONG_EQ: 2 cells" in res.stdout and "SUCCEEDED 2" in res.stdout, res.stdout
    for what in ("status overview", "portfolio", "portfolio risk", "a job", "runs", "equity curve", "regimes",
                 "stability", "fragility", "scores", "diagnostics"):
        line = next(x for x in res.stdout.splitlines() if x.strip().startswith(what + " "))
        assert " 200 " in line and " 0 rows" not in line, line
    assert f"curl 'http://127.0.0.1:{port}/status_overview'" in res.stdout
    assert "export TOKEN=" in res.stdout
    assert "hist.prices_daily                0       3           0" in res.stdout
    assert "names fully priced in 2023" in res.stdout and " 468 " in res.stdout
    assert "psql" in res.stdout
    assert "run_id:" in res.stdout and "sharpe_ratio" in res.stdout, "the main job runs the seed example backtest"
