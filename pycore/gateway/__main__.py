"""``python -m pycore.gateway``: the PostgREST-compatible gateway (:mod:`pycore.cli.gateway`)."""

from pycore.cli.gateway import main

if __name__ == "__main__":
    raise SystemExit(main())
