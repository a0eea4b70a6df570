"""Run the CLI in-process on generated inputs and tally what came back (issue 8).

``invoke`` calls :func:`harness.cli.main` exactly as the console script does and classifies the
outcome: an exit code, or ``TRACEBACK`` when an exception escaped (a bug: every bad input must
end in a clear ``Error:`` and exit code 2). ``Tally`` counts inputs tried, exit codes and
tracebacks, for the tests and ``bench/bench_faults.py``.
"""

from __future__ import annotations

import io
import os
import sys
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import yaml
from hypothesis import strategies as st

from harness.cli import main

TRACEBACK = -1

# Values a user could write anywhere in a YAML file.
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=24),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=5,
)  # fmt: skip


@dataclass
class Tally:
    tried: int = 0
    codes: Counter[int] = field(default_factory=Counter)
    tracebacks: list[str] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)  # exit 2 without an "Error" line

    def record(self, code: int, output: str, label: str) -> None:
        self.tried += 1
        self.codes[code] += 1
        if code == TRACEBACK or "Traceback (most recent call last)" in output:
            self.tracebacks.append(f"{label}\n{output[-1500:]}")
        elif code == 2 and "Error" not in output and "错误" not in output:
            self.unclear.append(f"{label}\n{output[-500:]}")

    def line(self, what: str) -> str:
        codes = ", ".join(f"exit {c}: {n}" for c, n in sorted(self.codes.items()))
        return f"{what}: {self.tried} inputs tried ({codes}); tracebacks: {len(self.tracebacks)}"


def invoke(*args: str, env: Mapping[str, str] | None = None) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with _environ(env or {}), mock.patch.object(sys, "argv", ["csm-harness", *args]):
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main()
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            except Exception:
                return TRACEBACK, traceback.format_exc()
    return code, out.getvalue() + err.getvalue()


@contextmanager
def _environ(extra: Mapping[str, str]) -> Iterator[None]:
    with mock.patch.dict(os.environ, {"CSM_HARNESS_LANG": "en", **extra}):
        yield


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def paths_of(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a nested dict/list, for mutations."""
    found: list[tuple[Any, ...]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append((*prefix, key))
            found += paths_of(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.append((*prefix, index))
            found += paths_of(value, (*prefix, index))
    return found


def mutate(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    """A deep copy of ``data`` with the item at ``path`` replaced, deleted or joined by a key."""
    copy = yaml.safe_load(dump(data))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[f"{last}_extra" if isinstance(last, str) else "extra"] = value
    return copy
