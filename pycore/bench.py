"""``python -m pycore.bench``: the benchmark of the backtest core on the full data (:mod:`pycore.run.bench`)."""

from pycore.run.bench import main

if __name__ == "__main__":
    raise SystemExit(main())
