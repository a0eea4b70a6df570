"""The layer order holds for harness, and the check catches what it is there to catch: an
upward import, a sideways one, a function-level or TYPE_CHECKING one, an unlisted package."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.devtools import layers
from harness.devtools.layers import LAYERS, ROOT, find_cycle, package_graph, violations

REPO = ROOT.parent


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the real package to plant imports in (sources only)."""
    copy = tmp_path / "harness"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def _plant(tree: Path, relative: str, source: str) -> None:
    (tree / relative).write_text(source, encoding="utf-8")


def test_harness_keeps_the_layer_order() -> None:
    assert violations() == []


def test_package_graph_has_no_cycle() -> None:
    assert find_cycle(package_graph()) is None


def test_every_package_is_in_a_layer() -> None:
    listed = {package for layer in LAYERS for package in layer}
    on_disk = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    on_disk |= {p.stem for p in ROOT.glob("*.py") if p.stem != "__init__"}
    assert on_disk <= listed, f"add to LAYERS: {sorted(on_disk - listed)}"


def test_a_planted_upward_import_fails(tree: Path) -> None:
    _plant(tree, "config/planted.py", "from harness.report.html import render_run\n")
    (problem,) = violations(tree)
    assert problem.startswith(
        "harness/config/planted.py:1: config imports harness.report.html (up)"
    )
    assert "config may import only errors, i18n, atomic, redact, model, metrics" in problem


def test_function_level_and_type_checking_imports_count(tree: Path) -> None:
    _plant(
        tree,
        "results/planted.py",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from harness.analysis.summary import SummaryInputs\n"
        "def f() -> None:\n"
        "    import harness.orchestrate.runs\n"
        "    from harness import cli\n",
    )
    problems = violations(tree)
    assert [p.split(": ")[0] for p in problems] == [
        "harness/results/planted.py:3",
        "harness/results/planted.py:5",
        "harness/results/planted.py:6",
    ]


def test_siblings_in_one_layer_stay_apart(tree: Path) -> None:
    _plant(tree, "sandbox/planted.py", "from harness.vendors import registry\n")
    (problem,) = violations(tree)
    assert "sandbox imports harness.vendors (sideways, within one layer)" in problem


def test_an_unlisted_package_is_named(tree: Path) -> None:
    (tree / "newthing").mkdir()
    _plant(tree, "newthing/__init__.py", "from harness.errors import ConfigError\n")
    (problem,) = violations(tree)
    assert "package 'newthing' is not in LAYERS" in problem


def test_a_planted_cycle_is_found(tree: Path) -> None:
    _plant(tree, "metrics/planted.py", "from harness.config import Scenario\n")
    cycle = find_cycle(package_graph(tree))
    assert cycle is not None and cycle[0] == cycle[-1]
    assert {"config", "metrics"} <= set(cycle)


def test_the_module_prints_the_graph_and_exits_0() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harness.devtools.layers"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 3 config       -> errors, metrics, model\n" in done.stdout
    assert "cycle between packages: none\n" in done.stdout
    assert done.stdout.endswith("imports against the layer order: none\n")


def test_the_module_exits_1_on_a_planted_upward_import(tree: Path) -> None:
    _plant(tree, "metrics/planted.py", "from harness.config import Scenario\n")
    done = subprocess.run(
        [sys.executable, "-m", "harness.devtools.layers", "--root", str(tree)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "harness/metrics/planted.py:1: metrics imports harness.config (up)" in done.stdout
    assert "cycle between packages: config -> metrics -> config" in done.stdout or (
        "cycle between packages: metrics -> config -> metrics" in done.stdout
    )


def test_main_is_the_entry_point() -> None:
    assert layers.main([]) == 0


def _readme_layers(name: str) -> tuple[tuple[str, ...], ...]:
    """The layer table of a README's architecture section, lowest layer first."""
    text = (REPO / name).read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|", text, flags=re.MULTILINE)
    assert [int(number) for number, _ in rows] == list(range(len(rows) - 1, -1, -1))
    return tuple(tuple(re.findall(r"`([^`]+)`", packages)) for _, packages in reversed(rows))


@pytest.mark.parametrize("name", ["README.md", "README.zh-CN.md"])
def test_readme_lists_the_layer_order(name: str) -> None:
    assert _readme_layers(name) == LAYERS
