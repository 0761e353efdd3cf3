#!/usr/bin/env bash
# Set up a fresh Debian 12 machine for Prometheus v2, idempotently:
#   1. system packages (PostgreSQL 15, pgTAP, sqitch, pg_prove, nginx) when any is missing;
#   2. Godot 4 for the C2 console (c2/tools/install-godot.sh, pinned, into c2/.tools) when missing;
#   3. a project virtualenv (.venv) with pycore installed in editable mode, which
#      compiles the Cython modules in pycore_ext/ (rebuilt only when sources change);
#   4. the JavaScript PostgREST client the tests run against the gateway (tests/clients: npm ci from the committed
#      package-lock.json; Node.js 20+ and npm from Debian when missing), again only when the lock file changes.
# A second run changes nothing and takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(postgresql-15 postgresql-15-pgtap sqitch libdbd-pg-perl libtap-parser-sourcehandler-pgtap-perl nginx)
# Node.js for the JavaScript client tests: Debian's packages only when no node/npm is on the PATH already
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  APT_PACKAGES+=(nodejs npm)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  # nginx's postinst starts the system service on port 80; the project runs its own nginx (pycore.proxy, port
  # 8000, from .run/). invoke-rc.d and deb-systemd-invoke ask /usr/sbin/policy-rc.d first: a temporary one that
  # answers 101 ("action forbidden") for nginx keeps the system service from starting; it is removed right after,
  # and one that was already there (container images ship one) is left untouched.
  policy=/usr/sbin/policy-rc.d
  own_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# temporary, from scripts/setup.sh: do not start the system nginx\n[ "$1" = nginx ] && exit 101\nexit 0\n' |
      $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    own_policy=1
    trap '$sudo rm -f "$policy"' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$own_policy" ]; then
    $sudo rm -f "$policy"
    trap - EXIT
  fi
  if [[ " ${missing[*]} " == *" nginx "* ]]; then
    # a policy that was already there may have let it start: stop it; where systemd runs, not at boot either
    if [ -s /run/nginx.pid ]; then $sudo /usr/sbin/nginx -s quit >/dev/null 2>&1 || true; fi
    if [ -d /run/systemd/system ]; then $sudo systemctl disable --now nginx >/dev/null 2>&1 || true; fi
  fi
fi

if ! c2/.tools/godot/bin/godot --headless --version 2>/dev/null | grep -q '^4\.6'; then
  echo "setup: installing Godot 4.6 for the C2 console"
  sh c2/tools/install-godot.sh
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade "pip>=24" >/dev/null
fi

# Reinstall only when the build inputs change.
stamp=.venv/.prometheus-build
digest=$(cat pyproject.toml setup.py pycore_ext/*.pyx pycore_ext/*.pxd | sha256sum | cut -c1-64)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ] || ! .venv/bin/python -c "import pycore_ext.copybuf" 2>/dev/null; then
  echo "setup: installing pycore and compiling pycore_ext"
  if ! .venv/bin/python -m pip install -e '.[test]' > .venv/pip.log 2>&1; then
    tail -n 40 .venv/pip.log >&2
    echo "setup: pip install failed (full log: .venv/pip.log)" >&2
    exit 1
  fi
  .venv/bin/python -c "import pycore_ext.copybuf, pycore_ext.pricecsv"
  echo "$digest" > "$stamp"
fi
# the JavaScript client tests' packages, exactly as locked; again only when the lock file changed
js_stamp=tests/clients/node_modules/.prometheus-lock
js_digest=$(sha256sum tests/clients/package-lock.json | cut -c1-64)
if [ "$(cat "$js_stamp" 2>/dev/null)" != "$js_digest" ]; then
  echo "setup: installing the JavaScript client tests' packages (npm ci)"
  (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$js_digest" > "$js_stamp"
fi
echo "setup: ok"
