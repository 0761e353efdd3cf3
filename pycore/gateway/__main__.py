"""``python -m pycore.gateway``: the PostgREST-compatible gateway (:mod:`pycore.gateway.app`)."""

from pycore.gateway.app import main

if __name__ == "__main__":
    raise SystemExit(main())
