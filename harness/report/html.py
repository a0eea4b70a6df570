"""Self-contained HTML reports: one run, and a comparison across vendors.

jinja2 renders ``templates/`` with autoescaping on; charts are inline SVG from
:mod:`harness.report.charts`, and the page's Content-Security-Policy forbids loading anything,
so a report opens offline, from an e-mail attachment or a file share, and prints to PDF.
Each page is written in the requested language beside a copy in the other one, and each links
to the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from harness.i18n import (
    DASH,
    Lang,
    fmt_duration_s,
    fmt_int,
    fmt_ms,
    fmt_ms_pair,
    fmt_ms_range,
    fmt_number,
    fmt_pct,
    fmt_per_second,
    fmt_ratio,
    ms_unit,
    other_lang,
)
from harness.report import charts
from harness.report.changes import Change, ChangeSet
from harness.report.charts import Point
from harness.report.compare import Comparison
from harness.report.extras import RunExtras, load_extras
from harness.report.history import IndexEntry
from harness.report.i18n import t
from harness.results.model import (
    ERRORS,
    ROUTING_LATENCY,
    TICKET_CREATE,
    UNROUTED,
    Drift,
    Percentiles,
    Phase,
    RunSummary,
)

__all__ = [
    "render_comparison",
    "render_index",
    "render_run",
    "run_href",
    "write_comparison",
    "write_run_report",
]

_TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(template: str, lang: Lang, switch_href: str | None, **context: object) -> str:
    helpers: dict[str, object] = {
        "lang": lang,
        "other_lang": other_lang(lang),
        "switch_href": switch_href,
        "t": partial(t, lang=lang),
        "ms": partial(fmt_ms, lang=lang),
        "dur": partial(fmt_duration_s, lang=lang),
        "per_s": lambda value: DASH if value is None else fmt_per_second(value, lang),
        "pct": fmt_pct,
        "num": fmt_number,
        "int": fmt_int,
    }
    return _environment().get_template(template).render(**helpers, **context)


def _time_chart(series: dict[str, list[Point]], title: str, lang: Lang, *, latency: bool) -> Markup:
    """A chart over seconds since start; latencies (ms) switch to seconds from one second up."""
    y_label, y_unit = t("chart.per_second", lang), ""
    if latency:
        unit = ms_unit(*(y for points in series.values() for _, y in points)) or "s"
        scale = 1000.0 if unit == "s" else 1.0
        series = {
            name: [(x, None if y is None else y / scale) for x, y in points]
            for name, points in series.items()
        }
        y_label, y_unit = t("chart.latency", lang), t(f"unit.{unit}", lang)
    svg = charts.line_chart(
        series,
        title=title,
        x_label=f"{t('chart.time', lang)} ({t('unit.s', lang)})",
        y_label=y_label,
        y_unit=y_unit,
        empty_text=t("chart.no_data", lang),
    )
    return Markup(svg)  # charts.py escapes every text it draws


def _percentile(summary: RunSummary, metric: str, field: str) -> list[Point]:
    """``field`` (``p95_ms``) of ``metric``'s per-second percentiles, None where none exist."""
    points: list[Point] = []
    for point in summary.timeline:
        stats: Percentiles | None = getattr(point, metric)  # ticket_create / routing_latency
        points.append((point.t, None if stats is None else getattr(stats, field)))
    return points


def _run_charts(summary: RunSummary, lang: Lang) -> dict[str, Markup]:
    def percentiles(metric: str) -> dict[str, list[Point]]:
        return {p: _percentile(summary, metric, f"{p}_ms") for p in ("p50", "p95", "p99")}

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
        "ticket_create": _time_chart(
            percentiles(TICKET_CREATE), t("chart.ticket_create", lang), lang, latency=True
        ),
        "routing": _time_chart(
            percentiles(ROUTING_LATENCY), t("chart.routing", lang), lang, latency=True
        ),
        "distribution": Markup(distribution),
        "throughput": _time_chart(
            counts("requests", "tickets_created", "tickets_routed"),
            t("chart.throughput", lang),
            lang,
            latency=False,
        ),
        "errors": _time_chart(
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
    return _render(
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
        series[f"{name} ({run.run_id})" if name in series else name] = _percentile(
            run, ROUTING_LATENCY, "p95_ms"
        )
    return _time_chart(series, t("chart.routing_overlay", lang), lang, latency=True)


@dataclass(frozen=True, slots=True)
class _ChangeRow:
    label: str
    before: str
    after: str
    change: str
    interval: str
    assessment: str
    css: str


def _signed(value: float, text: str) -> str:
    return f"{'+' if value > 0 else '-' if value < 0 else '±'}{text}"


def _change_row(change: Change, lang: Lang) -> _ChangeRow:
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
    return _ChangeRow(
        t(f"row.{change.key}", lang), values[0], values[1], step or DASH, band or DASH,
        t(f"assess.{change.assessment}", lang), change.assessment,
    )  # fmt: skip


def _change_title(changes: ChangeSet, lang: Lang) -> str:
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
    return _render(
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
                _change_title(changes, lang),
                [_change_row(change, lang) for change in changes.changes],
            )
            for changes in comparison.changes
        ],
    )


def _write_pair(path: Path, lang: Lang, render: Callable[[Lang, str], str]) -> Path:
    """``path`` in ``lang`` and ``<stem>.<other lang><suffix>`` beside it, linked both ways."""
    other = other_lang(lang)
    twin = path.with_name(f"{path.stem}.{other}{path.suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(lang, twin.name), encoding="utf-8")
    twin.write_text(render(other, path.name), encoding="utf-8")
    return path


def write_run_report(
    summary: RunSummary, out_dir: Path, lang: Lang, extras: RunExtras | None = None
) -> Path:
    """Write ``out_dir/report.html`` in ``lang`` and ``report.<other>.html``; return the first.

    Without ``extras``, the optional files beside the run (checks.json, scores.json,
    breakpoint.json) are read from ``out_dir`` and its parent.
    """
    found = extras if extras is not None else load_extras(out_dir, summary)
    return _write_pair(
        out_dir / "report.html",
        lang,
        lambda lg, href: render_run(summary, lg, switch_href=href, extras=found),
    )


def write_comparison(
    comparison: Comparison, out_path: Path, lang: Lang, hrefs: Mapping[int, str] | None = None
) -> Path:
    """Write ``out_path`` in ``lang`` and ``<stem>.<other><suffix>`` beside it; return the first.

    Put ``out_path`` in the folder that holds the run folders, so ``<run_id>/report.html`` links
    resolve.
    """
    return _write_pair(
        out_path,
        lang,
        lambda lg, href: render_comparison(comparison, lg, switch_href=href, hrefs=hrefs),
    )


def render_index(entries: Sequence[IndexEntry], lang: Lang, *, switch_href: str | None) -> str:
    """The history index of a results folder (:mod:`harness.report.history`)."""
    return _render(
        "index.html.j2", lang, switch_href, title=t("index.title", lang), entries=entries
    )
