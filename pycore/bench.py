"""``python -m pycore.bench``: the benchmark of the backtest core on the full data (:mod:`pycore.cli.bench`)."""

from pycore.cli.bench import main

if __name__ == "__main__":
    raise SystemExit(main())
