"""Check results: ``checks.json`` (read by scoring and the report) and the terminal table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from harness.atomic import write_text
from harness.checks.registry import Check, Severity
from harness.i18n import Lang, Text, lookup, text

__all__ = ["SCHEMA", "CheckResult", "aggregates", "summary_lines", "totals", "write_results"]

SCHEMA = "csm-harness/checks@1"

_TEXT: Final[dict[str, Text]] = {
    "head": text(
        "csm-harness acceptance: {vendor} ({adapter}) at {url}",
        "csm-harness 验收：{vendor}（{adapter}）{url}",
    ),
    "counts": text(
        "{passed} passed, {failed} failed, {skipped} skipped, {error} errors; "
        "veto failed: {veto_failed}",
        "通过 {passed}，未通过 {failed}，跳过 {skipped}，错误 {error}；"
        "一票否决项未通过：{veto_failed}",
    ),
    "file": text("Results: {path}", "结果文件：{path}"),
    "col.id": text("ID", "编号"),
    "col.severity": text("Severity", "级别"),
    "col.outcome": text("Outcome", "结果"),
    "col.title": text("Title", "标题"),
    "col.measured": text("Measured", "测量值"),
    "outcome.passed": text("passed", "通过"),
    "outcome.failed": text("failed", "未通过"),
    "outcome.skipped": text("skipped", "跳过"),
    "outcome.error": text("error", "错误"),
    "severity.veto": text("veto", "否决"),
    "severity.major": text("major", "主要"),
    "severity.minor": text("minor", "次要"),
}
_COLUMNS: Final = ("col.id", "col.severity", "col.outcome", "col.title", "col.measured")


@dataclass(slots=True)
class CheckResult:
    id: str
    family: str
    severity: str
    title: dict[str, str]
    acceptance: str
    outcome: str = "error"  # passed | failed | skipped | error
    message: str = ""
    reproduction: list[str] = field(default_factory=list)
    measured: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    nodeid: str = ""

    @classmethod
    def of(cls, check: Check, nodeid: str) -> CheckResult:
        return cls(
            check.id,
            check.family,
            check.severity.value,
            dict(check.title),
            check.acceptance,
            nodeid=nodeid,
        )


def totals(results: list[CheckResult]) -> dict[str, int]:
    counts = dict.fromkeys(("passed", "failed", "skipped", "error"), 0)
    for result in results:
        counts[result.outcome] += 1
    counts["veto_failed"] = sum(
        r.severity == Severity.VETO.value and r.outcome in ("failed", "error") for r in results
    )
    return counts


def aggregates(results: list[CheckResult]) -> dict[str, Any]:
    """The top-level numbers a scoring model reads as ``checks.<name>``; null when the check
    they come from did not run (so scoring says "not measured" instead of inventing a value).
    """
    counts = totals(results)
    ran = counts["passed"] + counts["failed"] + counts["error"]
    by_id = {r.id: r for r in results}

    def measured(check_id: str) -> dict[str, Any] | None:
        result = by_id.get(check_id)
        if result is None or result.outcome not in ("passed", "failed"):
            return None
        return result.measured

    pii = by_id.get("PII-001")
    pii_leaked = None
    if pii is not None and pii.outcome in ("passed", "failed"):
        pii_leaked = int(pii.outcome == "failed")
    route = measured("ROUTE-001")
    mig = measured("MIG-001")
    lost = None
    if mig is not None and all(k in mig for k in _MIG_LOSSES):
        lost = sum(int(mig[k]) for k in _MIG_LOSSES)
    return {
        "pass_rate": round(counts["passed"] / ran, 4) if ran else None,
        "veto_failed": counts["veto_failed"],
        "pii_leaked": pii_leaked,
        "routing_accuracy": None if route is None else route.get("accuracy"),
        "migration_records_lost": lost,
    }


_MIG_LOSSES = ("lost", "duplicated", "altered")


def write_results(path: Path, meta: dict[str, Any], results: list[CheckResult]) -> Path:
    """Write ``checks.json`` atomically (a reader never sees half a file)."""
    data = {
        "schema": SCHEMA,
        **meta,
        "totals": totals(results),
        **aggregates(results),
        "checks": [{**asdict(r), "passed": r.outcome == "passed"} for r in results],
    }
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


_SHOWN = 60  # characters of one measured value in the terminal table (checks.json: all)


def _measured(values: dict[str, Any]) -> str:
    def shown(value: Any) -> str:
        cell = str(value)
        return cell if len(cell) <= _SHOWN else f"{cell[: _SHOWN - 3]}..."

    return ", ".join(f"{k}={shown(v)}" for k, v in values.items())


def summary_lines(
    meta: dict[str, Any], results: list[CheckResult], lang: str, path: Path | None
) -> list[str]:
    chosen: Lang = "zh-CN" if lang.lower().startswith("zh") else "en"

    def say(key: str, **fmt: object) -> str:
        return lookup(_TEXT, key, chosen, **fmt)

    lines = [say("head", **meta), say("counts", **totals(results))]
    rows = [tuple(say(column) for column in _COLUMNS)]
    for r in results:
        severity, outcome = say(f"severity.{r.severity}"), say(f"outcome.{r.outcome}")
        rows.append((r.id, severity, outcome, r.title[chosen], _measured(r.measured)))
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(4)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
    if path is not None:
        lines.append(say("file", path=path))
    return lines


def _width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if ord(ch) >= 0x1100 and not 0x2000 <= ord(ch) < 0x3000 else 1 for ch in text)
