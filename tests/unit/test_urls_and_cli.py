"""Connection URLs resolve without side effects, and every command reports an expected failure the same way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from pycore import db
from pycore.cli.errors import Parser, error_line, fail

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["backtest", "bench", "campaign", "config", "dbtest", "deploy", "devdb", "engines", "gateway", "load", "proxy",
            "stack", "worker"]


@pytest.fixture
def no_database_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("DATABASE_URL", "PYCORE_DATABASE_URL", "PGRST_DB_URI"):
        monkeypatch.delenv(name, raising=False)
    base = tmp_path / "pg"
    monkeypatch.setenv("PROMETHEUS_PGDIR", str(base))
    monkeypatch.setenv("PROMETHEUS_PGPORT", "54999")
    return base


def test_the_urls_of_the_embedded_cluster_start_and_create_nothing(no_database_env: Path) -> None:
    cluster = db.default_cluster()  # PROMETHEUS_PGDIR, or a directory the postgres OS user can reach when we are root
    assert cluster.port == 54999 and (cluster.base == no_database_env or cluster.base.parent == Path("/var/tmp"))
    existed = cluster.base.exists()
    owner, writer, api = db.database_url(), db.writer_url(), db.authenticator_url()
    assert not no_database_env.exists() and cluster.base.exists() == existed, "resolving a URL created a directory"
    for url, user in ((owner, "postgres"), (writer, db.roles.WRITER), (api, db.roles.AUTHENTICATOR)):
        params = conninfo_to_dict(url)
        assert (params["host"], params["port"], params["dbname"], params["user"]) == (
            str(cluster.socket_dir), "54999", db.DEFAULT_DB, user)
        assert db.is_embedded(url)


def test_the_environment_names_the_servers(no_database_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "host=db.example port=5432 dbname=prometheus user=owner password=x")
    assert db.database_url() == db.writer_url() == "host=db.example port=5432 dbname=prometheus user=owner password=x"
    assert conninfo_to_dict(db.authenticator_url())["user"] == "authenticator"
    assert "password" not in conninfo_to_dict(db.authenticator_url())
    assert not db.is_embedded(db.database_url())
    monkeypatch.setenv("PYCORE_DATABASE_URL", "host=db.example dbname=prometheus user=pycore_writer")
    monkeypatch.setenv("PGRST_DB_URI", "host=db.example dbname=prometheus user=authenticator")
    assert db.writer_url() == "host=db.example dbname=prometheus user=pycore_writer"
    assert db.authenticator_url() == "host=db.example dbname=prometheus user=authenticator"


def test_the_error_helper_prints_one_line_and_returns_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert fail(ValueError("end_date 2023-01-01 is before start_date 2024-01-01")) == 1
    assert fail("no such file", context="load stopped, nothing was loaded", code=2) == 2
    err = capsys.readouterr().err
    assert err == ("error: end_date 2023-01-01 is before start_date 2024-01-01\n"
                   "error: load stopped, nothing was loaded: no such file\n")
    with pytest.raises(psycopg.OperationalError) as caught:
        psycopg.connect("host=/nonexistent-socket-dir port=1 dbname=x user=x connect_timeout=1")
    line = error_line(caught.value)
    assert line and "\n" not in line


def test_bad_arguments_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    parser = Parser(prog="p")
    parser.add_argument("n", type=int)
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["x"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == "error: argument n: invalid int value: 'x'\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_documented_command_keeps_its_name(command: str) -> None:
    res = subprocess.run([sys.executable, "-m", f"pycore.{command}", "--help"], cwd=ROOT, capture_output=True, text=True,
                         check=False, timeout=60)
    assert res.returncode == 0, res.stderr
    assert f"python -m pycore.{command}" in res.stdout
