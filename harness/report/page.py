"""What every HTML page shares: the jinja2 environment over ``templates/`` (autoescaping on,
strict undefined), the helpers each template gets (``t``, ``ms``, ``dur``, ``per_s`` ...), the
time charts, and the page written in one language beside its twin in the other, linked both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from harness.i18n import (
    DASH,
    Lang,
    fmt_duration_s,
    fmt_int,
    fmt_ms,
    fmt_number,
    fmt_pct,
    fmt_per_second,
    ms_unit,
    other_lang,
)
from harness.report import charts
from harness.report.charts import Point
from harness.report.i18n import t
from harness.results.model import Percentiles, RunSummary

__all__ = ["environment", "percentile_points", "render_page", "time_chart", "write_pair"]

_TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> Environment:
    # compiled templates are cached (per user, keyed by the template's source checksum): the
    # compile cost a tenth of a CPU-second at the end of every run
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        bytecode_cache=FileSystemBytecodeCache(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(template: str, lang: Lang, switch_href: str | None, **context: object) -> str:
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
    return environment().get_template(template).render(**helpers, **context)


def time_chart(series: dict[str, list[Point]], title: str, lang: Lang, *, latency: bool) -> Markup:
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


def percentile_points(summary: RunSummary, metric: str, field: str) -> list[Point]:
    """``field`` (``p95_ms``) of ``metric``'s per-second percentiles, None where none exist."""
    points: list[Point] = []
    for point in summary.timeline:
        stats: Percentiles | None = getattr(point, metric)  # ticket_create / routing_latency
        points.append((point.t, None if stats is None else getattr(stats, field)))
    return points


def write_pair(path: Path, lang: Lang, render: Callable[[Lang, str], str]) -> Path:
    """``path`` in ``lang`` and ``<stem>.<other lang><suffix>`` beside it, linked both ways."""
    other = other_lang(lang)
    twin = path.with_name(f"{path.stem}.{other}{path.suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(lang, twin.name), encoding="utf-8")
    twin.write_text(render(other, path.name), encoding="utf-8")
    return path
