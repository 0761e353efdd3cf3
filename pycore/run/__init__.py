"""One backtest, from request to stored rows.

The frozen configuration models (:mod:`~pycore.run.config`), the strategies, which compute targets from the inputs
they are handed (:mod:`~pycore.run.strategies`), the run service, which validates, fetches, simulates in chunks
with the compiled core and stores (:mod:`~pycore.run.service`), the binary COPY writer of the row buffers
(:mod:`~pycore.run.writer`; metrics_json is computed in SQL by ``core.run_finish``), the analyst tear sheet, fetched
then rendered (:mod:`~pycore.run.report`), and the benchmark (:mod:`~pycore.run.bench`).
"""
