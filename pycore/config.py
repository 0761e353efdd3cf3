"""``python -m pycore.config``: the strategy config schema tools (:mod:`pycore.cli.config`)."""

from pycore.cli.config import main

if __name__ == "__main__":
    raise SystemExit(main())
