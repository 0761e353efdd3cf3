"""``python -m pycore.deploy``: deploy the schema with sqitch (:mod:`pycore.cli.deploy`)."""

from pycore.cli.deploy import main

if __name__ == "__main__":
    raise SystemExit(main())
