"""The comparison page: one scenario across vendors (or reruns), side by side, the better value
highlighted, routing p95 overlaid, and each change judged against its noise interval."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from markupsafe import Markup

from harness.i18n import DASH, Lang, fmt_ms, fmt_pct, fmt_per_second, ms_unit
from harness.report.changes import Change, ChangeSet
from harness.report.charts import Point
from harness.report.compare import Comparison
from harness.report.i18n import t
from harness.report.page import percentile_points, render_page, time_chart, write_pair
from harness.results.model import ERRORS, ROUTING_LATENCY, TICKET_CREATE, UNROUTED, RunSummary

__all__ = [
    "ChangeRow",
    "change_row",
    "change_title",
    "render_comparison",
    "run_href",
    "write_comparison",
]


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    best: bool = False


@dataclass(frozen=True, slots=True)
class _Row:
    label: str
    cells: list[_Cell]
    source: str = ""


def _row(
    label: str,
    values: Sequence[float | None],
    texts: Sequence[str],
    better: Literal["lower", "higher"],
    source: str = "",
) -> _Row:
    """Highlight the better value: not when every value is equal or prints alike.

    Cells that equal the best value, or print like it, are all highlighted.
    """
    known = [(value, text) for value, text in zip(values, texts, strict=True) if value is not None]
    if len({value for value, _ in known}) < 2 or len({text for _, text in known}) < 2:
        return _Row(label, [_Cell(text) for text in texts], source)
    best_value, best_text = (min if better == "lower" else max)(known, key=lambda pair: pair[0])
    cells = [
        _Cell(text, best=value is not None and (value == best_value or text == best_text))
        for value, text in zip(values, texts, strict=True)
    ]
    return _Row(label, cells, source)


def _comparison_rows(runs: Sequence[RunSummary], lang: Lang) -> list[_Row]:
    verdicts = [1.0 if run.verdict == "pass" else 0.0 for run in runs]
    words = [t(f"verdict.{run.verdict}", lang) for run in runs]
    rows = [_row(t("row.verdict", lang), verdicts, words, "higher")]
    for key, metric, field in (
        ("row.routing_p50", ROUTING_LATENCY, "p50_ms"),
        ("row.routing_p95", ROUTING_LATENCY, "p95_ms"),
        ("row.routing_p99", ROUTING_LATENCY, "p99_ms"),
        ("row.create_p95", TICKET_CREATE, "p95_ms"),
    ):
        values = [run.stat(metric, field) for run in runs]
        unit = ms_unit(*values)
        rows.append(_row(t(key, lang), values, [fmt_ms(v, lang, unit) for v in values], "lower"))
    for key, metric in (("row.error_rate", ERRORS), ("row.unrouted_rate", UNROUTED)):
        values = [run.stat(metric, "rate") for run in runs]
        rows.append(_row(t(key, lang), values, [fmt_pct(v) for v in values], "lower"))
    shares = [
        run.thresholds_passed / len(run.thresholds) if run.thresholds else None for run in runs
    ]
    counts = [f"{run.thresholds_passed} / {len(run.thresholds)}" for run in runs]
    rows.append(_row(t("row.thresholds", lang), shares, counts, "higher"))
    keys = dict.fromkeys((o.metric, o.source) for run in runs for o in run.thresholds)
    for metric, source in keys:
        found = [
            next((o for o in run.thresholds if (o.metric, o.source) == (metric, source)), None)
            for run in runs
        ]
        oks = [None if o is None else float(o.ok) for o in found]
        texts = [
            DASH
            if o is None
            else f"{t('mark.ok' if o.ok else 'mark.fail', lang)} {o.measured_text}"
            for o in found
        ]
        rows.append(_row(runs[0].metric_title(metric, lang), oks, texts, "higher", source))
    return rows


def _overlay(runs: Sequence[RunSummary], lang: Lang) -> Markup:
    series: dict[str, list[Point]] = {}
    for run in runs:
        name = run.vendor.title(lang)
        series[f"{name} ({run.run_id})" if name in series else name] = percentile_points(
            run, ROUTING_LATENCY, "p95_ms"
        )
    return time_chart(series, t("chart.routing_overlay", lang), lang, latency=True)


@dataclass(frozen=True, slots=True)
class ChangeRow:
    label: str
    before: str
    after: str
    change: str
    interval: str
    assessment: str
    css: str


def _signed(value: float, text: str) -> str:
    return f"{'+' if value > 0 else '-' if value < 0 else '±'}{text}"


def change_row(change: Change, lang: Lang) -> ChangeRow:
    before, after, delta = change.before, change.after, change.delta
    low, high = change.ci_low, change.ci_high
    if change.kind == "latency":
        unit = ms_unit(before, after)
        values = [fmt_ms(v, lang, unit) for v in (before, after)]
        step = "" if delta is None else _signed(delta, fmt_ms(abs(delta), lang, unit))
        band = "" if low is None or high is None else f"±{fmt_ms((high - low) / 2, lang)}"
    elif change.kind == "rate":
        values = [fmt_pct(v) for v in (before, after)]

        def pp(value: float) -> str:
            return t("unit.pp", lang, value=f"{value * 100:+.2f}")

        step = "" if delta is None else pp(delta)
        band = "" if low is None or high is None else f"{pp(low)} … {pp(high)}"
    else:
        values = [DASH if v is None else fmt_per_second(v, lang) for v in (before, after)]
        step = "" if delta is None else _signed(delta, fmt_per_second(abs(delta), lang))
        band = "" if low is None or high is None else f"±{fmt_per_second((high - low) / 2, lang)}"
    relative = change.relative
    if relative is not None and step:
        step += f" ({relative * 100:+.1f}%)"
    return ChangeRow(
        t(f"row.{change.key}", lang), values[0], values[1], step or DASH, band or DASH,
        t(f"assess.{change.assessment}", lang), change.assessment,
    )  # fmt: skip


def change_title(changes: ChangeSet, lang: Lang) -> str:
    if changes.kind == "rerun":
        return t("changes.rerun", lang, vendor=changes.candidate_title(lang),
                 after=changes.candidate_started, before=changes.baseline_started)  # fmt: skip
    return t("changes.vendor", lang, after=changes.candidate_title(lang),
             before=changes.baseline_title(lang))  # fmt: skip


def run_href(run: RunSummary) -> str:
    """The default link from a comparison page to a run: ``<run_id>/report.html``."""
    return f"{quote(run.run_id)}/report.html"


def render_comparison(
    comparison: Comparison,
    lang: Lang,
    *,
    switch_href: str | None = None,
    hrefs: Mapping[int, str] | None = None,
) -> str:
    """The comparison page; run links are relative: ``<run_id>/report.html`` unless ``hrefs``
    (``id(run)`` -> link) says otherwise."""
    links = hrefs or {}
    return render_page(
        "compare.html.j2",
        lang,
        switch_href,
        title=t("compare.title", lang, scenario=comparison.scenario),
        c=comparison,
        rows=_comparison_rows(comparison.runs, lang),
        overlay=_overlay(comparison.runs, lang),
        routing_metric=ROUTING_LATENCY,
        href=lambda run: links.get(id(run), run_href(run)),
        change_sets=[
            (
                changes,
                change_title(changes, lang),
                [change_row(change, lang) for change in changes.changes],
            )
            for changes in comparison.changes
        ],
    )


def write_comparison(
    comparison: Comparison, out_path: Path, lang: Lang, hrefs: Mapping[int, str] | None = None
) -> Path:
    """Write ``out_path`` in ``lang`` and ``<stem>.<other><suffix>`` beside it; return the first.

    Put ``out_path`` in the folder that holds the run folders, so ``<run_id>/report.html`` links
    resolve.
    """
    return write_pair(
        out_path,
        lang,
        lambda lg, href: render_comparison(comparison, lg, switch_href=href, hrefs=hrefs),
    )
