"""The history index of a results folder: ``reports/index.json`` and ``reports/index.html``.

Rebuilt from the run folders themselves (every ``summary.json`` up to three folders deep: a
batch's runs, a breakpoint search's steps), so it is never out of step with the disk and two
runs finishing together cannot lose each other's entry. Newest first. Links are relative to the
results folder, so the index opens offline from wherever the folder is copied. A summary that
cannot be read is left out.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from harness.atomic import write_text
from harness.i18n import Lang
from harness.results.model import ERRORS, ROUTING_LATENCY, TICKET_CREATE, UNROUTED, RunSummary

__all__ = ["INDEX_HTML", "INDEX_JSON", "IndexEntry", "scan", "update_index"]

INDEX_JSON = "index.json"
INDEX_HTML = "index.html"
_DEPTH = 3


@dataclasses.dataclass(frozen=True, slots=True)
class IndexEntry:
    run_id: str
    path: str  # the run folder, relative to the results folder, "/"-separated
    scenario: str
    vendor: str
    vendor_title_en: str
    vendor_title_zh: str
    started_at: str
    duration_s: float
    verdict: str
    complete: bool
    thresholds_passed: int
    thresholds_total: int
    routing_p95_ms: float | None
    create_p95_ms: float | None
    error_rate: float | None
    unrouted_rate: float | None
    tickets_created: int | None
    report: str | None  # links relative to the results folder
    comparison: str | None

    def vendor_title(self, lang: Lang) -> str:
        return self.vendor_title_zh if lang == "zh-CN" else self.vendor_title_en


def _entry(root: Path, run_dir: Path, summary: RunSummary) -> IndexEntry:
    rel = run_dir.relative_to(root).as_posix()
    created = summary.metric("tickets_created")
    comparison = run_dir.parent / "comparison.html"
    return IndexEntry(
        run_id=summary.run_id,
        path=rel,
        scenario=summary.scenario,
        vendor=summary.vendor.name,
        vendor_title_en=summary.vendor.title_en,
        vendor_title_zh=summary.vendor.title_zh,
        started_at=summary.started_at,
        duration_s=summary.duration_s,
        verdict=summary.verdict,
        complete=summary.complete,
        thresholds_passed=summary.thresholds_passed,
        thresholds_total=len(summary.thresholds),
        routing_p95_ms=summary.stat(ROUTING_LATENCY, "p95_ms"),
        create_p95_ms=summary.stat(TICKET_CREATE, "p95_ms"),
        error_rate=summary.stat(ERRORS, "rate"),
        unrouted_rate=summary.stat(UNROUTED, "rate"),
        tickets_created=created.count if created else None,
        report=f"{rel}/report.html" if (run_dir / "report.html").is_file() else None,
        comparison=(
            comparison.relative_to(root).as_posix()
            if comparison.is_file() and run_dir.parent != root
            else None
        ),
    )


def scan(root: Path) -> list[IndexEntry]:
    """Every readable run under ``root``, newest first."""
    from harness.errors import ConfigError
    from harness.results import summary_json as json_writer

    entries = []
    for depth in range(1, _DEPTH + 1):
        for path in sorted(root.glob("/".join(["*"] * depth) + "/" + json_writer.FILENAME)):
            try:
                summary = json_writer.read(path)
            except ConfigError:
                continue
            entries.append(_entry(root, path.parent, summary))
    return sorted(entries, key=lambda e: (e.started_at, e.path), reverse=True)


def update_index(root: Path, lang: Lang = "zh-CN") -> Path:
    """Rewrite ``root/index.json`` and ``root/index.html`` (plus its other-language twin);
    return the HTML path."""
    from harness.report.html import render_index

    root.mkdir(parents=True, exist_ok=True)
    entries = scan(root)
    data: dict[str, Any] = {
        "schema_version": 1,
        "runs": [dataclasses.asdict(entry) for entry in entries],
    }
    write_text(root / INDEX_JSON, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    other: Lang = "en" if lang == "zh-CN" else "zh-CN"
    twin = f"index.{other}.html"
    write_text(root / INDEX_HTML, render_index(entries, lang, switch_href=twin))
    write_text(root / twin, render_index(entries, other, switch_href=INDEX_HTML))
    return root / INDEX_HTML
