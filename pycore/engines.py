"""``python -m pycore.engines``: refresh the market-state engines (:mod:`pycore.data.engines`)."""

from pycore.data.engines import main

if __name__ == "__main__":
    raise SystemExit(main())
