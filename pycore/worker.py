"""``python -m pycore.worker``: the job workers and their supervisor (:mod:`pycore.jobs.worker`)."""

from pycore.jobs.worker import main

if __name__ == "__main__":
    raise SystemExit(main())
