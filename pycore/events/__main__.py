"""``python -m pycore.events``: the push service, ``watch JOB_ID`` and ``bench`` (:mod:`pycore.cli.events`)."""

from pycore.cli.events import main

if __name__ == "__main__":
    raise SystemExit(main())
