"""``python -m pycore.dbtest``: the database test stage, and the test command (:mod:`pycore.dev.dbtest`)."""

from pycore.dev.dbtest import main

if __name__ == "__main__":
    raise SystemExit(main())
