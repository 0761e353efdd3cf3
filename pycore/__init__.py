"""Prometheus v2's Python layer, one subpackage per concern.

- :mod:`pycore.db`: where the database is and who connects to it (URLs, role names); no side effects.
- :mod:`pycore.dev`: the embedded cluster, the sqitch deploy, the database tests, the main job and nginx: the only
  code that starts servers.
- :mod:`pycore.data`: the loader of ``hist``, the market data a run simulates over, the market-state engines.
- :mod:`pycore.run`: one backtest: config models, strategies, the run service, the simulation factory, the COPY
  writer, metrics, the tear sheet, the benchmark.
- :mod:`pycore.jobs`: backtests as procrastinate jobs: the task, the workers and their supervisor, campaigns.
- :mod:`pycore.gateway`: the PostgREST-compatible server for development and CI, cut like PostgREST.
- :mod:`pycore.cli`: each command's argument parsing, and the one way commands report failures.

The top-level modules are the commands' stable names, a few lines each: ``python -m pycore.backtest``, ``load``,
``deploy``, ``engines``, ``stack``, ``worker``, ``campaign``, ``bench``, ``dbtest``, ``devdb``, ``config``, ``proxy``
and ``gateway`` (a package). ``pycore.backtest.run_sleeve_backtest`` is the seed's Python entry point.
"""

from pathlib import Path

__version__ = "0.1.0"


def project_root() -> Path:
    """The work tree this package runs from: where ``sqitch.plan``, ``db/``, ``data/`` and ``.run/`` are."""
    return Path(__file__).resolve().parent.parent
