"""The published JavaScript client of PostgREST (npm ``@supabase/postgrest-js``, pinned in tests/clients/package.json
and installed by scripts/setup.sh with ``npm ci``) against the gateway: tests/clients/postgrest_js.mjs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.http.conftest import Api

CLIENTS = Path(__file__).resolve().parents[1] / "clients"


def test_postgrest_js(conformance_api: Api) -> None:
    node = shutil.which("node")
    assert node, "node is not installed: scripts/setup.sh installs it"
    assert (CLIENTS / "node_modules" / "@supabase" / "postgrest-js").is_dir(), (
        "the JavaScript client is not installed: scripts/setup.sh runs npm ci in tests/clients"
    )
    r = subprocess.run([node, "postgrest_js.mjs", conformance_api.base], cwd=CLIENTS, capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("ok ") == 7, r.stdout
