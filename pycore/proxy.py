"""``python -m pycore.proxy``: nginx with the seed's URLs in front of the API (:mod:`pycore.cli.proxy`)."""

from pycore.cli.proxy import main

if __name__ == "__main__":
    raise SystemExit(main())
