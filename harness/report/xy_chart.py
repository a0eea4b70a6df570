"""An inline SVG chart over a numeric x axis: fitted curves as lines, measurements as dots.

The breakpoint page draws the USL curve (throughput against concurrency) and throughput against
the offered rate with it. Same conventions as :mod:`harness.report.charts`, whose building
blocks it reuses: deterministic output, escaped text, a ``<title>``, dash patterns as well as
colours, ``empty_text`` when there is nothing to draw, and optional vertical markers (the
breakpoint, the knee) labelled in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from harness.i18n import fmt_number
from harness.report.charts import (
    _FONT,
    COLOURS,
    _axes,
    _empty,
    _legend,
    _n,
    _open,
    _Plot,
    _stroke,
    nice_ticks,
)

__all__ = ["Marker", "xy_chart"]

XY = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Marker:
    """A labelled vertical line at ``x``."""

    x: float
    label: str


def xy_chart(
    *,
    lines: Mapping[str, Sequence[XY]],
    dots: Mapping[str, Sequence[XY]],
    title: str,
    x_label: str,
    y_label: str,
    markers: Sequence[Marker] = (),
    width: int = 720,
    height: int = 300,
    empty_text: str = "No data",
) -> str:
    """Lines (in the order given) then dot series; the legend names both, lines first."""
    xs = [x for points in (*lines.values(), *dots.values()) for x, _ in points]
    ys = [y for points in (*lines.values(), *dots.values()) for _, y in points]
    xs += [m.x for m in markers]
    if not any(dots.values()) and not any(lines.values()):
        return _empty(width, height, title, empty_text)
    names = [*lines, *dots]
    legend, top = _legend(names, 64, width - 16)
    y_ticks = nice_ticks(max(ys) if ys else 1.0)
    x_ticks = nice_ticks(max(xs) if xs else 1.0, 8)
    plot = _Plot(64, top, width - 16, height - 40, 0.0, x_ticks[-1], y_ticks[-1])
    parts = _open(width, height, title)
    # The legend draws a line sample per name; dot series get a dot over their sample.
    parts += legend
    parts += _axes(plot, y_ticks, x_label, y_label, height)
    for tick in x_ticks:
        parts.append(
            f'<text x="{_n(plot.x(tick))}" y="{_n(plot.bottom + 16)}" text-anchor="middle" '
            f"{_FONT}>{fmt_number(tick)}</text>"
        )
    for marker in markers:
        mx = _n(plot.x(marker.x))
        parts.append(
            f'<line class="marker" x1="{mx}" y1="{_n(plot.top)}" x2="{mx}" '
            f'y2="{_n(plot.bottom)}" stroke="#888" stroke-dasharray="3 3"/><text x="{mx}" '
            f'y="{_n(plot.top + 12)}" dx="4" {_FONT}>{escape(marker.label)}</text>'
        )
    for i, points in enumerate(lines.values()):
        if not points:
            continue
        path = "M" + "L".join(f"{_n(plot.x(x))} {_n(plot.y(y))}" for x, y in points)
        parts.append(
            f'<path class="fit" d="{path}" fill="none" stroke-width="2" '
            f'stroke-linejoin="round" {_stroke(i)}/>'
        )
    for j, (name, points) in enumerate(dots.items()):
        colour = COLOURS[(len(lines) + j) % len(COLOURS)]
        for x, y in points:
            parts.append(
                f'<circle class="point" cx="{_n(plot.x(x))}" cy="{_n(plot.y(y))}" r="4" '
                f'fill="{colour}" stroke="#fff"><title>{escape(name)}: '
                f"{fmt_number(x)}, {fmt_number(y)}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)
