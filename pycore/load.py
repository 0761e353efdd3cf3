"""``python -m pycore.load``: load the shipped market data into ``hist`` (:mod:`pycore.cli.load`)."""

from pycore.cli.load import main

if __name__ == "__main__":
    raise SystemExit(main())
