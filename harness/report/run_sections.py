"""The run report's sections beyond summary.json's own: errors by kind, the breakpoint curve,
acceptance checks and the scoring breakdown. Values are formatted here; templates only place them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.i18n import DASH, Lang, fmt_duration_s, fmt_int, fmt_pct, fmt_per_second
from harness.report.extras import RunExtras
from harness.report.i18n import t
from harness.results.model import ERRORS, UNROUTED, RunSummary

__all__ = ["ErrorRow", "breakpoint_context", "error_rows", "extras_context"]


_SEVERITIES = ("veto", "major", "minor")


@dataclass(frozen=True, slots=True)
class ErrorRow:
    key: str  # "broken", "throttled", "late", "unrouted"
    label: str
    meaning: str
    count: str
    total: str
    rate: str
    bad: bool  # any at all


def _rate_row(summary: RunSummary, key: str, metric: str, lang: Lang) -> ErrorRow | None:
    found = summary.metric(metric)
    if found is None or found.total is None:
        return None
    hits = found.hits or 0
    return ErrorRow(key, t(f"errors.{key}", lang), t(f"errors.{key}.meaning", lang),
                    fmt_int(hits), fmt_int(found.total), fmt_pct(found.rate), hits > 0)  # fmt: skip


def error_rows(summary: RunSummary, lang: Lang) -> list[ErrorRow]:
    """Broken requests, throttled answers, late arrivals and unrouted tickets, kept apart:
    a throttled answer is the vendor enforcing its quota, a late arrival is the generator's own
    shortfall, and neither is the vendor breaking."""
    rows = [_rate_row(summary, "broken", ERRORS, lang)]
    throttled = _rate_row(summary, "throttled", "throttled", lang)
    if throttled is None:  # older summaries: the per-second series still has the counts
        hits = sum(point.throttled for point in summary.timeline)
        requests = sum(point.requests for point in summary.timeline)
        throttled = ErrorRow("throttled", t("errors.throttled", lang),
                             t("errors.throttled.meaning", lang), fmt_int(hits),
                             fmt_int(requests), fmt_pct(hits / requests if requests else None),
                             hits > 0)  # fmt: skip
    rows.append(throttled)
    late = summary.generator.late_arrivals
    late_metric = summary.metric("late_arrivals")
    total = late_metric.total if late_metric and late_metric.total else None
    rows.append(ErrorRow(
        "late", t("errors.late", lang),
        t("errors.late.meaning", lang, lag=fmt_duration_s(summary.generator.max_lag_s, lang)),
        fmt_int(late), DASH if total is None else fmt_int(total),
        fmt_pct(late / total) if total else DASH, late > 0,
    ))  # fmt: skip
    rows.append(_rate_row(summary, "unrouted", UNROUTED, lang))
    return [row for row in rows if row is not None]


def breakpoint_context(extras: RunExtras, lang: Lang) -> dict[str, Any]:
    from harness.report.breakpoint_html import usl_chart, usl_rows

    view = extras.breakpoint
    if view is None:
        return {}
    measured = [(n, x) for n, x, _ in view.steps]
    facts = [
        (t("bp.found_label", lang), DASH if view.breakpoint_per_s is None
         else fmt_per_second(view.breakpoint_per_s, lang)),
        (t("bp.first_bad", lang), DASH if view.first_bad_per_s is None
         else fmt_per_second(view.first_bad_per_s, lang)),
    ]  # fmt: skip
    return {
        "chart": usl_chart(measured, view.usl, lang),
        "rows": facts + usl_rows(view.usl, lang),
        "no_fit": view.usl is None,
    }


def extras_context(extras: RunExtras | None, lang: Lang) -> dict[str, Any]:
    """Template context for the optional sections; empty parts when a file is absent."""
    extras = extras or RunExtras()
    card = extras.scorecard
    return {
        "checks": extras.checks,
        "card": card,
        "scoring_model": extras.scoring_model,
        "card_total": extras.scored_vendors,
        "bp": breakpoint_context(extras, lang),
        "severity": lambda word: t(f"severity.{word}", lang) if word in _SEVERITIES else word,
    }
