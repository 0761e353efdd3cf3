"""``python -m pycore.devdb``: start, stop or locate the embedded PostgreSQL cluster (:mod:`pycore.cli.devdb`)."""

from pycore.cli.devdb import main

if __name__ == "__main__":
    raise SystemExit(main())
