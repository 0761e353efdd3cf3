"""``python -m pycore.backtest run|list|show|report``, and the seed's Python entry point ``run_sleeve_backtest``.

The run itself is :mod:`pycore.run.service`.
"""

from pycore.run.service import BacktestError, main, run_backtest, run_sleeve_backtest

__all__ = ["BacktestError", "run_backtest", "run_sleeve_backtest"]

if __name__ == "__main__":
    raise SystemExit(main())
