"""``python -m pycore.dbtest``: the database test stage, and the test command (:mod:`pycore.cli.dbtest`)."""

from pycore.cli.dbtest import main

if __name__ == "__main__":
    raise SystemExit(main())
