"""The parent process's orchestration: runs, breakpoint searches, recovery, dry runs.

Nothing here imports Locust: a run's load phase is a child process (:mod:`harness.load.entry`)
and the parent reads its results folder afterwards.
"""
