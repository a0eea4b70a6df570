"""The load path: the only package that imports locust and gevent (ruff enforces it)."""
