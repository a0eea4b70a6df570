"""One module per output format, each with ``write(summary, out_dir) -> Path`` (STYLE lesson 12).

A writer reads only the result model (:mod:`harness.report.model`), never another writer's file.
"""
