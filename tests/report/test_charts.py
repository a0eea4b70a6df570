"""Inline SVG charts: deterministic, well-formed, escaped, honest about gaps and empty data."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.report.charts import Point, bar_chart, downsample, line_chart, nice_ticks

SERIES: dict[str, list[Point]] = {
    "p50": [(float(t), 100.0 + t) for t in range(60)],
    "p95": [(float(t), None if 20 <= t < 25 else 300.0 + 5 * t) for t in range(60)],
    "p99": [(float(t), 900.0 + 9 * t) for t in range(60)],
}


def _line() -> str:
    return line_chart(SERIES, title="Routing latency", x_label="Time (s)", y_label="Latency",
                      y_unit="ms")  # fmt: skip


def _texts(svg: str) -> list[str]:
    return [el.text or "" for el in ET.fromstring(svg).iter("text")]


def test_line_chart_is_well_formed_and_accessible() -> None:
    svg = _line()
    root = ET.fromstring(svg)
    assert root.tag == "svg"
    assert root.get("role") == "img" and root.get("aria-label") == "Routing latency"
    assert root[0].tag == "title" and root[0].text == "Routing latency"
    assert {"p50", "p95", "p99", "Latency (ms)", "Time (s)"} <= set(_texts(svg))
    assert len(root.findall("path")) == 1 + 3  # the axes, then one path per series


def test_series_differ_by_dash_as_well_as_colour() -> None:
    paths = ET.fromstring(_line()).findall("path")[1:]
    assert len({p.get("stroke") for p in paths}) == 3
    assert len({p.get("stroke-dasharray") for p in paths}) == 3


def test_none_values_leave_a_gap_and_a_lone_point_is_a_dot() -> None:
    p95 = ET.fromstring(_line()).findall("path")[2].get("d") or ""
    assert p95.count("M") == 2  # one run before the gap, one after
    lone = line_chart({"x": [(0.0, 5.0), (1.0, None), (2.0, 7.0), (3.0, 8.0)]}, title="t",
                      x_label="x", y_label="y")  # fmt: skip
    d = ET.fromstring(lone).findall("path")[1].get("d") or ""
    assert re.fullmatch(r"M[\d.]+ [\d.]+h0M[\d.]+ [\d.]+L[\d.]+ [\d.]+", d)


def test_output_is_deterministic_across_processes() -> None:
    """Same input, same bytes, even with another hash seed (no set or dict-order leaks)."""
    digest = hashlib.sha256(_line().encode()).hexdigest()
    code = (
        "import hashlib; from tests.report.test_charts import _line; "
        "print(hashlib.sha256(_line().encode()).hexdigest())"
    )
    root = Path(__file__).parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=root, check=True)  # fmt: skip
    assert out.stdout.strip() == digest
    assert _line() == _line()


def test_all_text_is_escaped() -> None:
    nasty = '<script>alert("x")</script> & 沙箱'
    svg = line_chart({nasty: [(0.0, 1.0), (1.0, 2.0)]}, title=nasty, x_label=nasty, y_label=nasty)
    assert "<script>" not in svg
    assert _texts(svg).count(nasty) == 4  # title, legend, both axis labels: escaped, parsed back
    bars = bar_chart([(nasty, 3.0)], title=nasty, x_label="x", y_label="y")
    assert "<script>" not in bars and nasty in _texts(bars)


@pytest.mark.parametrize(
    "series",
    [{}, {"p95": []}, {"p95": [(0.0, None), (1.0, None)]}],
    ids=["no-series", "no-points", "all-gaps"],
)
def test_line_chart_without_data_says_so(series: dict[str, list[Point]]) -> None:
    svg = line_chart(series, title="Routing", x_label="x", y_label="y", empty_text="无数据")
    assert _texts(svg) == ["Routing", "无数据"]
    assert 'class="no-data"' in svg


def test_bar_chart_draws_one_bar_per_bucket_and_thins_labels() -> None:
    bars = [(f"{2**k}-{2 ** (k + 1)} ms", float(k % 5)) for k in range(40)]
    svg = bar_chart(bars, title="Distribution", x_label="Latency", y_label="Tickets")
    root = ET.fromstring(svg)
    rects = root.findall("rect")
    assert len(rects) == 40
    assert rects[3].find("title").text == "8-16 ms: 3"  # type: ignore[union-attr]
    labels = [text for text in _texts(svg) if text.endswith(" ms")]
    assert 2 <= len(labels) < 40  # every n-th label, so they do not overlap
    assert labels[0] == "1-2 ms"


def test_bar_chart_without_counts_says_so() -> None:
    svg = bar_chart([("0-1 ms", 0.0)], title="D", x_label="x", y_label="y", empty_text="No data")
    assert _texts(svg) == ["D", "No data"]


@pytest.mark.parametrize(
    ("high", "ticks"),
    [(37.0, [0, 10, 20, 30, 40]), (0.8, [0, 0.2, 0.4, 0.6, 0.8]),
     (14300.0, [0, 5000, 10000, 15000]), (5.0, [0, 1, 2, 3, 4, 5]), (0.0, [0, 1])],
)  # fmt: skip
def test_nice_ticks(high: float, ticks: list[float]) -> None:
    assert nice_ticks(high) == ticks


def test_x_ticks_stay_inside_the_data() -> None:
    svg = line_chart({"p95": [(float(t), 1.0) for t in range(98)]}, title="t", x_label="x",
                     y_label="y")  # fmt: skip
    labels = _texts(svg)
    assert "80" in labels and "100" not in labels  # the data ends at 97 s


def test_y_axis_reaches_the_largest_value() -> None:
    labels = _texts(_line())
    assert "1500" in labels  # p99 peaks at 1431 ms; the axis goes to the next round tick


def test_downsample_keeps_peaks_and_gaps() -> None:
    points = [(float(t), float(t % 7)) for t in range(100)] + [(100.0 + t, None) for t in range(10)]
    thinned = downsample(points, 11)
    assert len(thinned) <= 11
    assert max(y for _, y in thinned if y is not None) == 6.0
    assert thinned[-1] == (100.0, None)
    assert downsample(points[:5], 11) == points[:5]
