"""A tolerant reader of a run's ``checks.json`` (acceptance checks), for the reports only.

``csm-harness accept`` owns the file; the report must never break on it. The reader accepts
``{"checks": [...]}``, ``{"checks": {"ROUTE-001": {...}}}`` or a bare list, and for each check
an ``id``, a ``severity``, a title (``{"en", "zh-CN"}``, ``title_en``/``title_zh`` or a plain
string), an ``outcome`` (or ``status``, or ``passed: true/false``), a ``message`` and a
reproduction request (``reproduction``, ``repro``, ``reproduce`` or ``curl``; or the same keys
on the entries of a ``failures`` list). A missing or unreadable file reads as ``None``; an entry
that is not an object is skipped.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.i18n import Lang
from harness.results.run_dir import RunDir

__all__ = ["CheckItem", "ChecksView", "read_checks"]

_PASSED = {"passed", "pass", "ok", "success"}
_FAILED = {"failed", "fail", "error", "errored", "broken"}
_REPRO_KEYS = ("reproduction", "repro", "reproduce", "curl")


@dataclasses.dataclass(frozen=True, slots=True)
class CheckItem:
    id: str
    severity: str  # veto / major / minor, or "" when not said
    title_en: str
    title_zh: str
    outcome: str  # "passed", "failed", or what the file said (skipped, ...)
    message: str
    repro: list[str]

    def title(self, lang: Lang) -> str:
        return (self.title_zh if lang == "zh-CN" else self.title_en) or self.id

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


@dataclasses.dataclass(frozen=True, slots=True)
class ChecksView:
    checks: list[CheckItem]

    @property
    def failed(self) -> list[CheckItem]:
        """Failed checks, vetoes first, then major, minor and the rest."""
        order = {"veto": 0, "major": 1, "minor": 2}
        return sorted((c for c in self.checks if c.failed),
                      key=lambda c: order.get(c.severity, 3))  # fmt: skip

    @property
    def passed(self) -> list[CheckItem]:
        return [c for c in self.checks if c.outcome == "passed"]

    @property
    def other(self) -> list[CheckItem]:
        return [c for c in self.checks if c.outcome not in ("passed", "failed")]


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _titles(entry: Mapping[str, Any]) -> tuple[str, str]:
    title = entry.get("title")
    if isinstance(title, Mapping):
        en = _text(title.get("en"))
        zh = _text(title.get("zh-CN") or title.get("zh_cn") or title.get("zh"))
        return en or zh, zh or en
    en = _text(entry.get("title_en") or title)
    zh = _text(entry.get("title_zh") or entry.get("title_zh_cn"))
    return en or zh, zh or en


def _outcome(entry: Mapping[str, Any]) -> str:
    raw = entry.get("outcome", entry.get("status", entry.get("result")))
    if raw is None and isinstance(entry.get("passed"), bool):
        return "passed" if entry["passed"] else "failed"
    word = _text(raw).strip().lower()
    if word in _PASSED:
        return "passed"
    if word in _FAILED:
        return "failed"
    return word or "unknown"


def _repros(entry: Mapping[str, Any]) -> list[str]:
    found = [_text(entry[key]) for key in _REPRO_KEYS if entry.get(key)]
    failures = entry.get("failures")
    if isinstance(failures, list):
        for failure in failures:
            if isinstance(failure, Mapping):
                found += [_text(failure[key]) for key in _REPRO_KEYS if failure.get(key)]
    return list(dict.fromkeys(found))


def _message(entry: Mapping[str, Any]) -> str:
    message = _text(entry.get("message") or entry.get("detail"))
    failures = entry.get("failures")
    if not message and isinstance(failures, list):
        parts = [_text(f.get("message")) for f in failures if isinstance(f, Mapping)]
        message = "\n".join(p for p in parts if p)
    return message


def _item(key: str | None, entry: Mapping[str, Any]) -> CheckItem:
    en, zh = _titles(entry)
    return CheckItem(
        id=_text(entry.get("id") or key),
        severity=_text(entry.get("severity")).lower(),
        title_en=en,
        title_zh=zh,
        outcome=_outcome(entry),
        message=_message(entry),
        repro=_repros(entry),
    )


def parse_checks(data: object) -> ChecksView | None:
    """The checks in parsed JSON ``data``; None when it holds no list or map of checks."""
    raw = data.get("checks") if isinstance(data, Mapping) else data
    if isinstance(raw, Mapping):
        items = [_item(str(k), v) for k, v in raw.items() if isinstance(v, Mapping)]
    elif isinstance(raw, list):
        items = [_item(None, v) for v in raw if isinstance(v, Mapping)]
    else:
        return None
    return ChecksView(items)


def read_checks(run_dir: Path) -> ChecksView | None:
    """``run_dir/checks.json``, or None when it is absent or not readable JSON."""
    try:
        data = json.loads(RunDir(run_dir).checks.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return parse_checks(data)
