"""``python -m pycore.worker``: the job workers and their supervisor (:mod:`pycore.cli.worker`)."""

from pycore.cli.worker import main

if __name__ == "__main__":
    raise SystemExit(main())
