"""The run's results as data: the summary model and its JSON file, and ``run.json``.

Below analysis and report: both read and write these types, neither owns them.
"""
