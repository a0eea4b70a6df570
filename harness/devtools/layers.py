"""The layer order of ``harness``'s packages, and the check that every import keeps to it.

A module may import its own package and any package in a lower layer; packages in one layer
are independent of each other. Every import counts: module level, inside a function and under
``TYPE_CHECKING`` alike, since each is a dependency all the same. Run::

    python -m harness.devtools.layers            # the package graph; exit 1 on a violation

``tests/devtools/test_layers.py`` runs the same check in the suite.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "LAYERS",
    "Import",
    "find_cycle",
    "imports",
    "layer_of",
    "main",
    "package_graph",
    "violations",
]

# Lowest first. The README's Architecture section shows this order; keep the two alike.
LAYERS: Final[tuple[tuple[str, ...], ...]] = (
    ("errors", "i18n", "atomic"),
    ("redact", "model"),
    ("metrics",),
    ("config",),
    ("data",),
    ("vendors", "sandbox"),
    ("transport", "proxy"),
    ("results",),
    ("analysis",),
    ("report",),
    ("checks", "load"),
    ("orchestrate",),
    ("poc",),
    ("cli", "devtools"),
    ("__main__",),
)
ROOT: Final = Path(__file__).resolve().parents[1]  # the harness package folder


@dataclass(frozen=True, slots=True)
class Import:
    """``source`` (a file under the package root) imports ``target`` (a dotted module)."""

    source: Path
    line: int
    importer: str  # the importing file's package, e.g. "config"
    imported: str  # the imported module's package, e.g. "analysis"
    target: str

    def where(self, root: Path) -> str:
        return f"{root.name}/{self.source.relative_to(root).as_posix()}:{self.line}"


def layer_of(package: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if package in layer:
            return index
    return None


def imports(root: Path = ROOT) -> Iterator[Import]:
    """Every import between two different packages of the tree at ``root``."""
    for path in sorted(root.rglob("*.py")):
        importer = _package(path.relative_to(root))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _targets(node, root):
                parts = target.split(".")
                if len(parts) < 2 or parts[1] == importer:
                    continue  # the package root itself (``__version__``) or the same package
                yield Import(path, node.lineno, importer, parts[1], target)


def violations(root: Path = ROOT) -> list[str]:
    """One line per import that goes up or sideways, or names a package missing from LAYERS."""
    found: list[str] = []
    for imp in imports(root):
        low, high = layer_of(imp.imported), layer_of(imp.importer)
        if low is None or high is None:
            missing = imp.imported if low is None else imp.importer
            found.append(
                f"{imp.where(root)}: package {missing!r} is not in LAYERS "
                "(harness/devtools/layers.py); add it to the layer it belongs to"
            )
        elif low >= high:
            way = "up" if low > high else "sideways, within one layer"
            found.append(
                f"{imp.where(root)}: {imp.importer} imports {imp.target} ({way}); "
                f"{imp.importer} may import only {_below(high)}"
            )
    return found


def package_graph(root: Path = ROOT) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for imp in imports(root):
        graph.setdefault(imp.importer, set()).add(imp.imported)
        graph.setdefault(imp.imported, set())
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle between packages (``[a, b, a]``), or None when the graph has none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            cycle = visit(nxt)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.devtools.layers")
    parser.add_argument("--root", type=Path, default=ROOT, help="package folder to check")
    root = parser.parse_args(argv).root.resolve()
    graph = package_graph(root)
    lines = [f"Layers of {root.name}, lowest first (a package imports only those below it):"]
    for index, layer in enumerate(LAYERS):
        for package in layer:
            deps = ", ".join(sorted(graph.get(package, ()))) or "-"
            lines.append(f"  {index:2d} {package:<12} -> {deps}")
    cycle = find_cycle(graph)
    lines.append("cycle between packages: " + (" -> ".join(cycle) if cycle else "none"))
    problems = violations(root)
    lines += problems
    lines.append(f"imports against the layer order: {len(problems) or 'none'}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 1 if problems or cycle else 0


def _package(relative: Path) -> str:
    """``config/shapes.py`` -> ``config``; ``errors.py`` -> ``errors``."""
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _targets(node: ast.Import | ast.ImportFrom, root: Path) -> list[str]:
    name = root.name
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith(name + ".")]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if node.module == name:  # from harness import report -> harness.report; not __version__
            return [f"{name}.{alias.name}" for alias in node.names if _is_module(root, alias.name)]
        if node.module.startswith(name + "."):
            return [node.module]
    return []


def _is_module(root: Path, name: str) -> bool:
    return (root / name).is_dir() or (root / f"{name}.py").is_file()


def _below(layer: int) -> str:
    packages = [package for lower in LAYERS[:layer] for package in lower]
    return ", ".join(packages) if packages else "nothing of this package"


if __name__ == "__main__":
    sys.exit(main())
