"""Checks on the code itself, runnable by anyone: ``python -m harness.devtools.layers``."""
