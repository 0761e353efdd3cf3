"""``python -m pycore.deploy``: deploy the schema with sqitch (:mod:`pycore.dev.deploy`)."""

from pycore.dev.deploy import main

if __name__ == "__main__":
    raise SystemExit(main())
