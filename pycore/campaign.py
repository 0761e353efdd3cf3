"""``python -m pycore.campaign``: a campaign of backtests through the job queue (:mod:`pycore.cli.campaign`)."""

from pycore.cli.campaign import main

if __name__ == "__main__":
    raise SystemExit(main())
