"""``checks.json`` as types: what ``csm-harness accept`` writes (``csm-harness/checks@1``).

:func:`decode` is strict about the fields it knows (each has its type, a wrong one is a
:class:`~harness.results.model.SchemaError` naming the field) and passes over fields it does
not, since a newer suite may add some. :func:`read` names the file in a
:class:`~harness.errors.ConfigError`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from harness.errors import ConfigError
from harness.results.model import Record, SchemaError

__all__ = ["SCHEMA", "CheckRecord", "CheckTotals", "ChecksFile", "decode", "read"]

SCHEMA = "csm-harness/checks@1"
R = TypeVar("R", bound=Record)


@dataclasses.dataclass(frozen=True, slots=True)
class CheckRecord(Record):
    id: str
    severity: str  # veto | major | minor
    title: dict[str, str]  # {"en": ..., "zh-CN": ...}
    outcome: str  # passed | failed | skipped | error
    family: str = ""
    acceptance: str = ""
    message: str = ""
    reproduction: list[str] = dataclasses.field(default_factory=list)
    measured: dict[str, Any] = dataclasses.field(default_factory=dict)
    duration_s: float = 0.0
    nodeid: str = ""

    @property
    def requests(self) -> int:
        """Requests the check sent, when it counted them."""
        value = self.measured.get("requests", 0)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclasses.dataclass(frozen=True, slots=True)
class CheckTotals(Record):
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    error: int = 0
    veto_failed: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class ChecksFile(Record):
    checks: list[CheckRecord]
    vendor: str = ""  # empty when the suite stopped before it knew the vendor
    totals: CheckTotals = CheckTotals()
    schema: str = SCHEMA
    adapter: str = ""
    url: str = ""
    started_at: float | None = None
    finished_at: float | None = None
    pass_rate: float | None = None  # passed / checks that ran; None when none ran


def _known(cls: type[R], data: object, where: str) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise SchemaError(f"{where}: expected an object, got {type(data).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def decode(data: object) -> ChecksFile:
    """Parsed ``checks.json`` as a :class:`ChecksFile`."""
    top = _known(ChecksFile, data, "checks.json")
    raw = top.get("checks")
    if isinstance(raw, list):
        top["checks"] = [
            _known(CheckRecord, item, f"checks.json.checks[{i}]") for i, item in enumerate(raw)
        ]
    if "totals" in top:
        top["totals"] = _known(CheckTotals, top["totals"], "checks.json.totals")
    return ChecksFile.from_dict(top)


def read(path: Path) -> ChecksFile:
    try:
        return decode(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, SchemaError) as exc:
        raise ConfigError(f"{path}: not a checks file: {exc}") from None
