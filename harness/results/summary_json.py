"""summary.json: the run's :class:`~harness.results.model.RunSummary`, as UTF-8 JSON.

Chinese text stays readable (``ensure_ascii=False``); NaN and infinity are refused because they
are not JSON. The file is written beside itself and renamed into place, so a crash never leaves
half a summary behind. :func:`read` is the inverse that ``csm-harness compare`` uses.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.atomic import write_json
from harness.errors import ConfigError
from harness.results.model import RunSummary, SchemaError
from harness.results.run_dir import SUMMARY

FILENAME = SUMMARY


def write(summary: RunSummary, out_dir: Path) -> Path:
    """Write ``out_dir/summary.json`` and return its path."""
    return write_json(out_dir / FILENAME, summary.to_dict())


def read(path: Path) -> RunSummary:
    """The summary in ``path``; a file that is not one is a :class:`ConfigError` naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not a JSON summary: {exc}") from None
    try:
        return RunSummary.from_dict(data)
    except SchemaError as exc:
        raise ConfigError(f"{path}: {exc}") from None
