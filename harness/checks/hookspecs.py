"""Hooks other plugins can implement to react to acceptance results (xdist's newhooks.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from harness.checks.results import CheckResult


@pytest.hookspec
def pytest_csm_check_result(result: CheckResult) -> None:
    """One check finished (passed, failed, skipped or error)."""


@pytest.hookspec
def pytest_csm_results_written(path: Path, results: list[CheckResult]) -> None:
    """``checks.json`` was written to ``path``."""
