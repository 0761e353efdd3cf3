"""Market history into and out of ``hist``.

The validating loader of the shipped data files (:mod:`~pycore.data.load`, binary COPY), the dense arrays a run
simulates over (:mod:`~pycore.data.marketdata`, binary COPY out) and the refresh of the market-wide engines
(regimes, stability, fragility) after a load (:mod:`~pycore.data.engines`).
"""
