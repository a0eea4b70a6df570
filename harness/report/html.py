"""Self-contained HTML reports: one run, and the history index (the comparison page is
:mod:`harness.report.compare_html`; what pages share, :mod:`harness.report.page`).

jinja2 renders ``templates/`` with autoescaping on; charts are inline SVG from
:mod:`harness.report.charts`, and the page's Content-Security-Policy forbids loading anything,
so a report opens offline, from an e-mail attachment or a file share, and prints to PDF.
Each page is written in the requested language beside a copy in the other one, and each links
to the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from markupsafe import Markup

from harness.i18n import (
    Lang,
    fmt_ms_pair,
    fmt_ms_range,
    fmt_number,
    fmt_ratio,
    ms_unit,
)
from harness.report import charts
from harness.report.charts import Point
from harness.report.extras import RunExtras, load_extras
from harness.report.history import IndexEntry
from harness.report.i18n import t
from harness.report.page import percentile_points, render_page, time_chart, write_pair
from harness.results.model import (
    ROUTING_LATENCY,
    TICKET_CREATE,
    Drift,
    Phase,
    RunSummary,
)

__all__ = ["drift_text", "phase_label", "render_index", "render_run", "write_run_report"]


def _run_charts(summary: RunSummary, lang: Lang) -> dict[str, Markup]:
    def percentiles(metric: str) -> dict[str, list[Point]]:
        return {p: percentile_points(summary, metric, f"{p}_ms") for p in ("p50", "p95", "p99")}

    def counts(*fields: str) -> dict[str, list[Point]]:
        timeline = summary.timeline
        return {
            t(f"series.{f}", lang): [(p.t, float(getattr(p, f))) for p in timeline] for f in fields
        }

    bars = [
        (fmt_ms_range(b.lower_ms, b.upper_ms, lang), float(b.count))
        for b in summary.routing_distribution
    ]
    distribution = charts.bar_chart(
        bars,
        title=t("chart.distribution", lang),
        x_label=t("chart.latency", lang),
        y_label=t("chart.tickets", lang),
        empty_text=t("chart.no_data", lang),
    )
    return {
        "ticket_create": time_chart(
            percentiles(TICKET_CREATE), t("chart.ticket_create", lang), lang, latency=True
        ),
        "routing": time_chart(
            percentiles(ROUTING_LATENCY), t("chart.routing", lang), lang, latency=True
        ),
        "distribution": Markup(distribution),
        "throughput": time_chart(
            counts("requests", "tickets_created", "tickets_routed"),
            t("chart.throughput", lang),
            lang,
            latency=False,
        ),
        "errors": time_chart(
            counts("errors", "throttled"), t("chart.errors", lang), lang, latency=False
        ),
    }


def phase_label(phase: Phase, lang: Lang) -> str:
    """``Stage 2``, ``During the spike``, ``Window 3`` (zh-CN ``第 2 阶段`` ...)."""
    return t(f"phase.{phase.kind}", lang, n=phase.index)


def drift_text(drift: Drift, lang: Lang) -> str:
    """The soak's drift verdict in one sentence."""
    if drift.ratio is None or drift.first_p95_ms is None or drift.last_p95_ms is None:
        return t("drift.unknown", lang)
    last, first = fmt_ms_pair(drift.last_p95_ms, drift.first_p95_ms, lang)
    key = "drift.flagged" if drift.drifted else "drift.ok"
    return t(key, lang, ratio=fmt_ratio(drift.ratio), last=last, first=first,
             limit=fmt_number(drift.limit))  # fmt: skip


def render_run(
    summary: RunSummary,
    lang: Lang,
    *,
    switch_href: str | None = None,
    extras: RunExtras | None = None,
) -> str:
    """The report of one run; ``switch_href`` links to the same report in the other language.

    ``extras`` adds the sections whose files exist (checks, scores, breakpoint): see
    :func:`harness.report.extras.load_extras`.
    """
    from harness.report.run_sections import error_rows, extras_context

    title = t("report.title", lang, vendor=summary.vendor.title(lang), scenario=summary.scenario)
    kinds = {kind: [m for m in summary.metrics.values() if m.kind == kind] for kind in
             ("trend", "rate", "counter")}  # fmt: skip
    return render_page(
        "report.html.j2",
        lang,
        switch_href,
        title=title,
        s=summary,
        charts=_run_charts(summary, lang),
        trends=kinds["trend"],
        rates=kinds["rate"],
        counters=kinds["counter"],
        phase_label=partial(phase_label, lang=lang),
        drift_text=partial(drift_text, lang=lang),
        phase_ms_unit=ms_unit(*(p.routing_p95_ms for p in summary.phases)),
        errors=error_rows(summary, lang),
        **extras_context(extras, lang),
    )


def write_run_report(
    summary: RunSummary, out_dir: Path, lang: Lang, extras: RunExtras | None = None
) -> Path:
    """Write ``out_dir/report.html`` in ``lang`` and ``report.<other>.html``; return the first.

    Without ``extras``, the optional files beside the run (checks.json, scores.json,
    breakpoint.json) are read from ``out_dir`` and its parent.
    """
    found = extras if extras is not None else load_extras(out_dir, summary)
    return write_pair(
        out_dir / "report.html",
        lang,
        lambda lg, href: render_run(summary, lg, switch_href=href, extras=found),
    )


def render_index(entries: Sequence[IndexEntry], lang: Lang, *, switch_href: str | None) -> str:
    """The history index of a results folder (:mod:`harness.report.history`)."""
    return render_page(
        "index.html.j2", lang, switch_href, title=t("index.title", lang), entries=entries
    )
