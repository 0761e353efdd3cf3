"""Deploy the schema with sqitch against the project's database.

``python -m pycore.deploy [deploy|rebase|verify|revert|status]`` runs sqitch on
``sqitch.plan`` with the connection it is given (``DATABASE_URL``, or the embedded cluster),
passed to sqitch through libpq's PG* variables so passwords never appear in a
command line. After a deploy it tells PostgREST to reload its schema cache.

Drift: sqitch records the SHA-1 of each deploy script it ran
(``sqitch.changes.script_hash``) and, on its own, never notices that a file was
edited after it was deployed. ``deploy`` compares them first. On the embedded
development cluster it then rebases (reverts back to the change before the first
edited one and deploys again, printing one line naming them); on any other server
(``DATABASE_URL``) it refuses with a ``DeployError`` naming the edited changes and
the command that rebases, ``python -m pycore.deploy rebase``. A rebase loses the
rows of every table it reverts: a rebase from a change after the ``hist`` tables
keeps the loaded market data, one from a ``hist`` table drops it, and the next step
of ``pycore.stack up`` (``scripts/main.sh``) loads it again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psycopg
from psycopg.conninfo import conninfo_to_dict

from pycore import project_root
from pycore.db import is_embedded
from pycore.dev.cluster import PG_BIN

_ENV_KEYS = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
}


class DeployError(RuntimeError):
    """sqitch reported a failure."""


def libpq_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in conninfo_to_dict(url).items():
        if key in _ENV_KEYS and value is not None:
            env[_ENV_KEYS[key]] = str(value)
    return env


def psql_client() -> str:
    """The psql that sqitch and pg_prove run once per change or test file: the server's own binary when it is there.
    Debian's ``/usr/bin/psql`` is a Perl wrapper that picks a version at every start, which costs more than many a
    change script takes to run."""
    direct = PG_BIN / "psql"
    return str(direct) if direct.exists() else "psql"


def sqitch(command: str, url: str, *extra: str, quiet: bool = False, verify: bool = True) -> str:
    """Run ``sqitch COMMAND`` on the database of ``url``; its output. A deploy verifies each change as it goes
    unless ``verify`` is false (sqitch.conf verifies by default)."""
    exe = shutil.which("sqitch")
    if exe is None:
        raise DeployError("sqitch is not installed; run scripts/setup.sh (it installs sqitch and libdbd-pg-perl)")
    args = [exe, command, "--db-client", psql_client()]
    if command in ("revert", "rebase"):
        args.append("-y")
    if command == "deploy":
        args.append("--verify" if verify else "--no-verify")
    args += [*extra, "db:pg:"]
    res = subprocess.run(args, cwd=project_root(), env=libpq_env(url), capture_output=True, text=True, check=False)
    out = (res.stdout + res.stderr).strip()
    if res.returncode != 0 and not (command == "status" and res.returncode == 1):
        raise DeployError(f"sqitch {command} failed:\n{out}")
    if not quiet and out:
        print(out)
    return out


def reload_postgrest(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("notify pgrst, 'reload schema'")


def ensure_job_queue_schema(url: str) -> bool:
    """Apply procrastinate's schema (from the installed package) if the database lacks it; True if applied."""
    from importlib.resources import files

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("select to_regclass('public.procrastinate_jobs')").fetchone()
        if row and row[0] is not None:
            return False
        schema_sql = files("procrastinate").joinpath("sql/schema.sql").read_text()
        with conn.transaction():
            conn.execute("set local search_path = public")
            conn.execute(schema_sql)
    return True


def _sqitch_setting(name: str, default: str) -> str:
    text = (project_root() / "sqitch.conf").read_text()
    m = re.search(rf"^\s*{re.escape(name)}\s*=\s*(\S+)\s*$", text, re.MULTILINE)
    return m.group(1) if m else default


def plan_project() -> str:
    """The project name of ``sqitch.plan`` (its ``%project=`` pragma)."""
    plan = project_root() / _sqitch_setting("plan_file", "sqitch.plan")
    m = re.search(r"^%project=(\S+)", plan.read_text(), re.MULTILINE)
    if m is None:
        raise DeployError(f"{plan.name} has no %project= pragma")
    return m.group(1)


def deploy_script(change: str) -> Path:
    return project_root() / _sqitch_setting("deploy_dir", "deploy") / f"{change}.sql"


def script_hash(path: Path) -> str | None:
    """What sqitch records in ``sqitch.changes.script_hash``: the SHA-1 of the file's bytes."""
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Drift:
    """Deployed changes whose deploy script is no longer the one that ran."""

    changed: tuple[str, ...]  # edited since deployed, in deploy order
    redeploy: tuple[str, ...]  # what a rebase reverts and deploys again: the first changed one and all after it
    onto: str  # the change a rebase reverts to ("@ROOT" when the very first change was edited)

    def line(self) -> str:
        return (
            f"{len(self.redeploy)} deployed changes from {self.redeploy[0]} on "
            f"(deploy scripts edited since deployed: {', '.join(self.changed)})"
        )


def find_drift(url: str) -> Drift | None:
    """Compare the deployed script hashes with the files; None when nothing differs or nothing is deployed."""
    project = plan_project()
    with psycopg.connect(url) as conn:
        row = conn.execute("select to_regclass('sqitch.changes')").fetchone()
        if row is None or row[0] is None:
            return None
        deployed = conn.execute(
            "select change, script_hash from sqitch.changes where project = %s order by committed_at, change_id",
            (project,),
        ).fetchall()
    names = [str(name) for name, _ in deployed]
    changed = [str(name) for name, digest in deployed if script_hash(deploy_script(str(name))) != digest]
    if not changed:
        return None
    first = names.index(changed[0])
    return Drift(changed=tuple(changed), redeploy=tuple(names[first:]), onto=names[first - 1] if first else "@ROOT")


def rebase(url: str, drift: Drift, *, quiet: bool = False) -> None:
    """Revert back to ``drift.onto`` and deploy the whole plan again, verified."""
    ensure_job_queue_schema(url)
    sqitch("rebase", url, "--onto", drift.onto, quiet=quiet)
    reload_postgrest(url)


def _hist_batches(url: str) -> int:
    """How many data files are recorded as loaded (0 when the table is missing)."""
    with psycopg.connect(url) as conn:
        row = conn.execute("select to_regclass('hist.load_batches')").fetchone()
        if row is None or row[0] is None:
            return 0
        count = conn.execute("select count(*) from hist.load_batches").fetchone()
        return int(count[0]) if count else 0


def deploy(url: str, *, quiet: bool = False, on_drift: Literal["rebase", "refuse"] | None = None) -> Drift | None:
    """Deploy what is pending; first handle deploy scripts edited since they were deployed.

    ``on_drift`` defaults to ``"rebase"`` on the embedded development cluster (no
    ``DATABASE_URL``) and ``"refuse"`` anywhere else. Returns the drift it rebased.
    """
    if on_drift is None:
        on_drift = "rebase" if not os.environ.get("DATABASE_URL") and is_embedded(url) else "refuse"
    drift = find_drift(url)
    if drift is not None and on_drift == "refuse":
        raise DeployError(
            f"the deploy scripts of {len(drift.changed)} deployed changes were edited since they were deployed: "
            f"{', '.join(drift.changed)}. Nothing was deployed. To revert and redeploy the {len(drift.redeploy)} "
            f"changes from {drift.redeploy[0]} on (the rows of the tables they hold are lost), run: "
            "python -m pycore.deploy rebase"
        )
    if drift is not None:
        loaded = _hist_batches(url)
        rebase(url, drift, quiet=True)
        note = ""
        if loaded and not _hist_batches(url):
            note = "; the hist tables were recreated: load the market data again (python -m pycore.load)"
        print(f"schema: redeployed {drift.line()}{note}", flush=True)
    ensure_job_queue_schema(url)
    sqitch("deploy", url, quiet=quiet)
    reload_postgrest(url)
    return drift
