"""Deploy the schema with sqitch against the project's database.

``python -m pycore.deploy [deploy|verify|revert|status]`` runs sqitch on
``sqitch.plan`` with the connection of ``DATABASE_URL`` (or the embedded cluster),
passed to sqitch through libpq's PG* variables so passwords never appear in a
command line. After a deploy it tells PostgREST to reload its schema cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

import psycopg
from psycopg.conninfo import conninfo_to_dict

from pycore.devdb import DevDbError, database_url, project_root

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


def sqitch(command: str, url: str, *extra: str, quiet: bool = False) -> str:
    exe = shutil.which("sqitch")
    if exe is None:
        raise DeployError("sqitch is not installed; run scripts/setup.sh (it installs sqitch and libdbd-pg-perl)")
    args = [exe, command]
    if command == "revert":
        args.append("-y")
    if command == "deploy":
        args.append("--verify")
    args += [*extra, "db:pg:"]
    res = subprocess.run(
        args, cwd=project_root(), env=libpq_env(url), capture_output=True, text=True, check=False
    )
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
            conn.execute(schema_sql)  # type: ignore[arg-type]
    return True


def deploy(url: str, *, quiet: bool = False) -> None:
    ensure_job_queue_schema(url)
    sqitch("deploy", url, quiet=quiet)
    reload_postgrest(url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pycore.deploy", description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="deploy", choices=["deploy", "verify", "revert", "status"])
    args = parser.parse_args(argv)
    try:
        url = database_url()
        if args.command == "deploy":
            deploy(url)
        else:
            sqitch(args.command, url)
    except (DevDbError, DeployError, psycopg.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
