"""``python -m pycore.campaign``: a campaign of backtests through the job queue (:mod:`pycore.jobs.campaign`)."""

from pycore.jobs.campaign import main

if __name__ == "__main__":
    raise SystemExit(main())
