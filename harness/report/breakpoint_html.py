"""The breakpoint search's outputs: ``breakpoint.json`` and a self-contained HTML page.

The page shows the verdict (breakpoint, first bad rate, the SLO that broke with its measured
value), the USL curve (fitted line and measured steps, knee marked), routed against offered
rate, and the steps table with a link to each step's own report. Built on the same jinja2
environment, i18n catalog and page frame as the run report, in both languages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from harness.analysis.breakpoint import THROUGHPUT, SearchResult, SloVerdict, StepOutcome
from harness.analysis.usl import UslFit
from harness.atomic import write_json
from harness.config.breakpoint import Breakpoint, format_percent
from harness.config.breakpoint_sessions import SessionsBreakpoint
from harness.i18n import DASH, Lang, fmt_duration_s, fmt_per_second
from harness.metrics.catalog import METRICS
from harness.report.breakpoint_level import is_sessions, level_key, level_text
from harness.report.i18n import MESSAGES, t
from harness.report.page import render_page, write_pair
from harness.report.xy_chart import XY, Marker, xy_chart
from harness.results.run_dir import BREAKPOINT

__all__ = [
    "generator_text",
    "render_breakpoint",
    "slo_title",
    "unreliable_text",
    "usl_chart",
    "usl_rows",
    "write_breakpoint_json",
    "write_breakpoint_report",
]

HTML_NAME = "breakpoint.html"
_CURVE_POINTS = 120


def slo_title(verdict: SloVerdict, lang: Lang) -> str:
    if verdict.name == THROUGHPUT:
        return t("bp.slo.throughput", lang)
    if f"bps.slo.{verdict.name}" in MESSAGES:  # the sessions search's built-in criteria
        return t(f"bps.slo.{verdict.name}", lang)
    info = METRICS.get(verdict.name)
    if info is None:
        return verdict.name
    return info.title_zh if lang == "zh-CN" else info.title_en


def write_breakpoint_json(result: SearchResult, out_dir: Path) -> Path:
    return write_json(out_dir / BREAKPOINT, result.to_dict())


def write_breakpoint_report(result: SearchResult, out_dir: Path, lang: Lang) -> Path:
    """``out_dir/breakpoint.html`` in ``lang`` and its twin in the other language."""
    return write_pair(
        out_dir / HTML_NAME,
        lang,
        lambda lg, href: render_breakpoint(result, lg, switch_href=href),
    )


def _usl_chart(result: SearchResult, lang: Lang) -> Markup:
    measured: list[XY] = [
        (s.measure.concurrency, s.measure.throughput_per_s) for s in result.steps if s.complete
    ]
    return usl_chart(measured, result.usl, lang, sessions=is_sessions(result.spec))


def usl_chart(
    measured: list[XY], fit: UslFit | None, lang: Lang, *, sessions: bool = False
) -> Markup:
    """Measured (concurrency, routed per second) steps with the USL fit and its knee."""
    curve: list[XY] = []
    markers: list[Marker] = []
    if fit is not None and measured:
        top = max(n for n, _ in measured) * 1.1
        if fit.knee_n is not None and fit.knee_n < top * 3:
            top = max(top, fit.knee_n * 1.2)
            markers.append(Marker(fit.knee_n, t("bp.marker.knee", lang)))
        curve = [(top * i / _CURVE_POINTS, fit.predict(top * i / _CURVE_POINTS)) for i in
                 range(1, _CURVE_POINTS + 1)]  # fmt: skip
    lines = {t("bp.series.fit", lang): curve} if curve else {}
    words = "bps" if sessions else "bp"
    svg = xy_chart(
        lines=lines,
        dots={t("bp.series.measured", lang): measured},
        markers=markers,
        title=t("bp.chart.usl", lang),
        x_label=t(f"{words}.chart.concurrency", lang),
        y_label=f"{t(f'{words}.chart.routed', lang)} ({t('unit.per_s', lang)})",
        empty_text=t("chart.no_data", lang),
    )
    return Markup(svg)  # xy_chart escapes every text it draws


def _offered_chart(result: SearchResult, lang: Lang) -> Markup:
    steps = [s for s in result.steps if s.complete]
    spec = result.spec
    markers = []
    if is_sessions(spec):  # the level is sessions, the axes messages a second: no marker
        top = max((s.measure.offered_per_s for s in steps), default=0.0) * 1.05
    else:
        top = max((s.rate for s in steps), default=0.0) * 1.05
        if result.breakpoint_rate is not None:
            markers.append(Marker(result.breakpoint_rate, t("bp.marker.breakpoint", lang)))
    svg = xy_chart(
        lines={t(level_key(spec, "bp.series.ideal"), lang): [(0.0, 0.0), (top, top)]}
        if steps
        else {},
        dots={
            t("bp.series.measured", lang): [
                (s.measure.offered_per_s, s.measure.throughput_per_s) for s in steps
            ]
        },
        markers=markers,
        title=t(level_key(spec, "bp.chart.offered_title"), lang),
        x_label=f"{t(level_key(spec, 'bp.chart.offered'), lang)} ({t('unit.per_s', lang)})",
        y_label=f"{t(level_key(spec, 'bp.chart.routed'), lang)} ({t('unit.per_s', lang)})",
        empty_text=t("chart.no_data", lang),
    )
    return Markup(svg)


def usl_rows(fit: UslFit | None, lang: Lang) -> list[tuple[str, str]]:
    if fit is None:
        return []
    rows = [
        (t("bp.usl.lambda", lang), fmt_per_second(fit.lam, lang)),
        (t("bp.usl.sigma", lang), f"{fit.sigma:.4g}"),
        (t("bp.usl.kappa", lang), f"{fit.kappa:.4g}"),
        (t("bp.usl.r2", lang), f"{fit.r2:.3f}"),
    ]
    if fit.peak_kind == "knee" and fit.knee_n is not None and fit.peak_x is not None:
        rows.append((t("bp.usl.knee", lang), f"{fit.knee_n:.3g}"))
        rows.append((t("bp.usl.peak", lang), fmt_per_second(fit.peak_x, lang)))
    elif fit.peak_kind == "ceiling" and fit.peak_x is not None:
        rows.append((t("bp.usl.ceiling", lang), fmt_per_second(fit.peak_x, lang)))
    return rows


def _stop_text(result: SearchResult, lang: Lang) -> str:
    spec = result.spec
    values: dict[str, Any] = {
        "resolution": format_percent(spec.resolution),
        "rate": level_text(spec, spec.max_rate, lang),
        "time": fmt_duration_s(spec.max_time, lang),
    }
    return t(level_key(spec, f"bp.stop.{result.stop_reason}"), lang, **values)


def ceilings_text(result: SearchResult, lang: Lang) -> str:
    spec = result.spec
    rate, time = level_text(spec, spec.max_rate, lang), fmt_duration_s(spec.max_time, lang)
    if isinstance(spec, SessionsBreakpoint):
        return t("bps.ceilings_value", lang, rate=rate, time=time, processes=spec.max_processes)
    return t("bp.ceilings_value", lang, rate=rate, time=time)


def agents_text(result: SearchResult, lang: Lang) -> str | None:
    """How the harness's agent users were set across the steps; None for a rate search."""
    spec = result.spec
    if not isinstance(spec, SessionsBreakpoint) or not result.steps:
        return None
    first = result.steps[0]
    if spec.agents == "fixed":
        return t("bps.agents.fixed", lang, agents=first.agents)
    return t("bps.agents.scale", lang, agents=first.agents, sessions=round(first.rate))


def generator_text(step: StepOutcome, lang: Lang) -> str:
    """The step's generator health in one word: ok, saturated (unreliable) or machine busy."""
    if not step.reliable:
        return t("bp.gen.saturated", lang)
    return t("bp.gen.busy" if step.machine_busy else "bp.gen.ok", lang)


def unreliable_text(result: SearchResult, lang: Lang) -> str | None:
    """One sentence naming the unreliable steps; None when every step was reliable."""
    bad = result.unreliable_steps
    if not bad:
        return None
    steps = ", ".join(str(s.index) for s in bad)
    return t("bp.unreliable", lang, count=len(bad), total=len(result.steps), steps=steps)


def _step_row(step: StepOutcome, lang: Lang) -> dict[str, Any]:
    verdict = "bp.verdict.cut" if not step.complete else (
        "bp.verdict.good" if step.ok else "bp.verdict.bad"
    )  # fmt: skip
    return {
        "s": step,
        "phase": t(f"bp.phase.{step.phase}", lang),
        "verdict": t(verdict, lang),
        "generator": generator_text(step, lang),
        "failed": [f"{slo_title(v, lang)} '{v.source}': {v.measured_text}" for v in step.broken],
        "href": f"steps/{step.run_id}/report.html",
    }


def render_breakpoint(result: SearchResult, lang: Lang, *, switch_href: str | None = None) -> str:
    vendor = result.vendor.get("title_zh" if lang == "zh-CN" else "title_en", "")
    title = t("bp.title", lang, vendor=vendor or result.vendor.get("name", ""),
              scenario=result.scenario)  # fmt: skip
    spec = result.spec
    return render_page(
        "breakpoint.html.j2",
        lang,
        switch_href,
        title=title,
        r=result,
        vendor=vendor,
        lt=lambda key, **fmt: t(level_key(spec, key), lang, **fmt),  # bp.X, or its bps.X
        lvl=lambda value: level_text(spec, value, lang) or DASH,
        sessions=is_sessions(spec),
        ceilings=ceilings_text(result, lang),
        agents=agents_text(result, lang),
        broken=[(slo_title(v, lang), v) for v in result.broken],
        stop_text=_stop_text(result, lang),
        unreliable=unreliable_text(result, lang),
        usl_chart=_usl_chart(result, lang),
        offered_chart=_offered_chart(result, lang),
        usl_rows=usl_rows(result.usl, lang),
        rows=[_step_row(step, lang) for step in result.steps],
        method={
            "duration": fmt_duration_s(
                spec.step_duration if isinstance(spec, Breakpoint) else spec.hold, lang
            ),
            "warm_up": fmt_duration_s(spec.warm_up, lang),
            "share": format_percent(
                spec.min_throughput if isinstance(spec, Breakpoint) else spec.min_concurrency
            ),
        },
    )
