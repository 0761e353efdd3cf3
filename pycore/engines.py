"""``python -m pycore.engines``: refresh the market-state engines (:mod:`pycore.cli.engines`)."""

from pycore.cli.engines import main

if __name__ == "__main__":
    raise SystemExit(main())
