"""``python -m pycore.devdb``: start, stop or locate the embedded PostgreSQL cluster (:mod:`pycore.dev.cluster`)."""

from pycore.dev.cluster import main

if __name__ == "__main__":
    raise SystemExit(main())
