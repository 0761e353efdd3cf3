"""Backtests as jobs on the procrastinate queue.

What a worker does with a job and how an attempt survives database faults (:mod:`~pycore.jobs.tasks`; the job's
transitions are SQL functions it calls), the worker processes and the supervisor that replaces dead ones
(:mod:`~pycore.jobs.worker`), and campaigns: grids of jobs that give the meta layer its evidence
(:mod:`~pycore.jobs.campaign`).
"""
