"""One module per output format, each with ``write(summary, out_dir) -> Path`` (STYLE lesson 12).

Formats: json (summary.json), csv (metrics.csv, tickets-sample.csv), xlsx (results.xlsx),
junit (junit.xml), parquet (metrics.parquet); ``csm-harness export`` calls them.
A writer reads only the result model (:mod:`harness.results.model`), never another writer's file.
"""
