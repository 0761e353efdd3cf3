"""``python -m pycore.load``: load the shipped market data into ``hist`` (:mod:`pycore.data.load`)."""

from pycore.data.load import main

if __name__ == "__main__":
    raise SystemExit(main())
