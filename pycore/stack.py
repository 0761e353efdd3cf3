"""``python -m pycore.stack``: bring the whole local stack up or down (the main job) (:mod:`pycore.cli.stack`)."""

from pycore.cli.stack import main

if __name__ == "__main__":
    raise SystemExit(main())
