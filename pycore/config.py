"""``python -m pycore.config``: the strategy config schema tools (:mod:`pycore.run.config`)."""

from pycore.run.config import main

if __name__ == "__main__":
    raise SystemExit(main())
