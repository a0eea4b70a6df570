"""Inline SVG charts, drawn in Python so a report opens offline and prints to PDF as it looks.

Pure functions: data and (already translated) labels in, SVG markup out. The same input gives
the same bytes (coordinates are rounded to 0.1 px, colours come from a fixed list). All text is
escaped. Each chart carries a ``<title>`` for screen readers, series differ by dash pattern as
well as colour so a grey-scale print still tells them apart, and a chart without data shows
``empty_text`` instead of empty axes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from harness.i18n import fmt_number

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "7 4", "2 3", "10 3 2 3", "4 4", "1 2", "12 4")
_FONT = 'font-family="inherit" font-size="11" fill="#333"'

Point = tuple[float, float | None]


@dataclass(frozen=True, slots=True)
class _Plot:
    """The plot area inside a chart and the mapping from data to pixels."""

    left: float
    top: float
    right: float
    bottom: float
    x_lo: float
    x_hi: float
    y_hi: float

    def x(self, value: float) -> float:
        span = (self.x_hi - self.x_lo) or 1.0
        return self.left + (value - self.x_lo) / span * (self.right - self.left)

    def y(self, value: float) -> float:
        return self.bottom - value / (self.y_hi or 1.0) * (self.bottom - self.top)


def nice_ticks(high: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``high``: steps of 1, 2, 2.5 or 5 times 10**k."""
    if high <= 0 or not math.isfinite(high):
        return [0.0, 1.0]
    raw = high / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [round(i * step, 10) for i in range(math.ceil(high / step - 1e-9) + 1)]


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-weight="600" '
        f"{_FONT}>{escape(title)}</text>",
    ]


def _empty(width: int, height: int, title: str, message: str) -> str:
    parts = _open(width, height, title)
    parts.append(
        f'<rect x="1" y="26" width="{width - 2}" height="{height - 28}" fill="#fafafa" '
        f'stroke="#ccc" stroke-dasharray="4 4"/><text class="no-data" x="{width / 2:.0f}" '
        f'y="{height / 2 + 10:.0f}" text-anchor="middle" {_FONT}>{escape(message)}</text></svg>'
    )
    return "".join(parts)


def _axes(plot: _Plot, y_ticks: list[float], x_label: str, y_label: str, height: int) -> list[str]:
    parts = []
    for tick in y_ticks:
        y = _n(plot.y(tick))
        parts.append(
            f'<line x1="{_n(plot.left)}" y1="{y}" x2="{_n(plot.right)}" y2="{y}" stroke="#e3e3e3"/>'
            f'<text x="{_n(plot.left - 6)}" y="{y}" dy="4" text-anchor="end" {_FONT}>'
            f"{fmt_number(tick)}</text>"
        )
    parts.append(
        f'<path d="M{_n(plot.left)} {_n(plot.top)}V{_n(plot.bottom)}H{_n(plot.right)}" '
        f'fill="none" stroke="#888"/>'
        f'<text x="{_n((plot.left + plot.right) / 2)}" y="{height - 6}" text-anchor="middle" '
        f"{_FONT}>{escape(x_label)}</text>"
        f'<text transform="translate(14 {_n((plot.top + plot.bottom) / 2)}) rotate(-90)" '
        f'text-anchor="middle" {_FONT}>{escape(y_label)}</text>'
    )
    return parts


def _text_width(text: str) -> float:
    """Rough width in px at 11 px: CJK characters are about twice as wide as Latin ones."""
    return sum(11.0 if ord(char) >= 0x2E80 else 6.2 for char in text)


def _stroke(i: int) -> str:
    dash = DASHES[i % len(DASHES)]
    dasharray = f' stroke-dasharray="{dash}"' if dash else ""
    return f'stroke="{COLOURS[i % len(COLOURS)]}"{dasharray}'


def _legend(names: Sequence[str], left: float, right: float) -> tuple[list[str], float]:
    """Legend entries in rows under the title; returns the markup and the y below the last row."""
    parts, x, y = [], left, 32.0
    for i, name in enumerate(names):
        needed = 34 + _text_width(name)
        if x > left and x + needed > right:
            x, y = left, y + 16
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 22)}" y2="{_n(y)}" stroke-width="2.5" '
            f'{_stroke(i)}/><text x="{_n(x + 27)}" y="{_n(y + 4)}" {_FONT}>{escape(name)}</text>'
        )
        x += needed + 12
    return parts, y + 16


def downsample(points: Sequence[Point], limit: int) -> list[Point]:
    """At most ``limit`` points: each group of neighbours becomes its first x and its peak y."""
    if len(points) <= limit:
        return list(points)
    size = math.ceil(len(points) / limit)
    merged: list[Point] = []
    for start in range(0, len(points), size):
        group = points[start : start + size]
        ys = [y for _, y in group if y is not None]
        merged.append((group[0][0], max(ys) if ys else None))
    return merged


def _path(points: Sequence[Point], plot: _Plot) -> str:
    """Path data with a gap wherever y is None; a lone point becomes a dot (``h0``, round cap)."""
    runs: list[list[str]] = [[]]
    for x, y in points:
        if y is None:
            runs.append([])
        else:
            runs[-1].append(f"{_n(plot.x(x))} {_n(plot.y(y))}")
    return "".join("M" + "L".join(run) + ("h0" if len(run) == 1 else "") for run in runs if run)


def line_chart(
    series: Mapping[str, Sequence[Point]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    y_unit: str = "",
    width: int = 720,
    height: int = 260,
    empty_text: str = "No data",
) -> str:
    """One line per series over a shared x axis (seconds since start); None leaves a gap."""
    thinned = {name: downsample(points, width - 80) for name, points in series.items()}
    xs = [x for points in thinned.values() for x, _ in points]
    ys = [y for points in thinned.values() for _, y in points if y is not None]
    if not ys:
        return _empty(width, height, title, empty_text)
    legend, top = _legend(list(thinned), 64, width - 16)
    y_ticks = nice_ticks(max(ys))
    plot = _Plot(64, top, width - 16, height - 40, min(xs), max(xs), y_ticks[-1])
    parts = _open(width, height, title) + legend
    parts += _axes(plot, y_ticks, x_label, f"{y_label} ({y_unit})" if y_unit else y_label, height)
    span = plot.x_hi - plot.x_lo
    for tick in (tick for tick in nice_ticks(span, 8) if tick <= span + 1e-9):
        parts.append(
            f'<text x="{_n(plot.x(plot.x_lo + tick))}" y="{_n(plot.bottom + 16)}" '
            f'text-anchor="middle" {_FONT}>{fmt_number(plot.x_lo + tick)}</text>'
        )
    for i, points in enumerate(thinned.values()):
        parts.append(
            f'<path d="{_path(points, plot)}" fill="none" stroke-width="1.8" '
            f'stroke-linejoin="round" stroke-linecap="round" {_stroke(i)}/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 720,
    height: int = 260,
    empty_text: str = "No data",
) -> str:
    """One bar per labelled category (a histogram bucket); labels thin out to stay legible."""
    if not bars or not any(value > 0 for _, value in bars):
        return _empty(width, height, title, empty_text)
    y_ticks = nice_ticks(max(value for _, value in bars))
    plot = _Plot(64, 32, width - 16, height - 48, 0, len(bars), y_ticks[-1])
    parts = _open(width, height, title) + _axes(plot, y_ticks, x_label, y_label, height)
    slot = (plot.right - plot.left) / len(bars)
    widest = max(_text_width(label) for label, _ in bars) + 6
    every = max(1, math.ceil(widest / slot))
    for i, (label, value) in enumerate(bars):
        x, top = plot.x(i), plot.y(value)
        parts.append(
            f'<rect x="{_n(x + 1)}" y="{_n(top)}" width="{_n(max(slot - 2, 1))}" '
            f'height="{_n(plot.bottom - top)}" fill="{COLOURS[0]}">'
            f"<title>{escape(label)}: {fmt_number(value)}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{_n(x + slot / 2)}" y="{_n(plot.bottom + 16)}" text-anchor="middle" '
                f"{_FONT}>{escape(label)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
