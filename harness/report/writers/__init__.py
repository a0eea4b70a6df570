"""One module per output format, each with an ``export(run, out_dir)`` function (the
:class:`~harness.report.writers.base.Writer` signature), listed by name in
:data:`harness.report.writers.registry.WRITERS`: a new format is one module and one line there.

Formats: json (summary.json), csv (metrics.csv, tickets-sample.csv), xlsx (results.xlsx),
junit (junit.xml), parquet (metrics.parquet); ``csm-harness export`` calls them.
A writer reads only the result model (:mod:`harness.results.model`), never another writer's file.
"""
