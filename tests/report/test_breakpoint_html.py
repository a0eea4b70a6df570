"""The breakpoint page: verdict, USL curve with measured points, steps table, both languages."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from harness.analysis.breakpoint import SearchResult, StepSearch
from harness.cli.breakpoint import _final_lines
from harness.i18n import LANGS, Lang
from harness.report.breakpoint_html import (
    render_breakpoint,
    write_breakpoint_json,
    write_breakpoint_report,
)
from harness.report.xy_chart import Marker, xy_chart
from tests.analysis.test_breakpoint_search import _search, _spec


def _result(capacity: float = 3.33, **spec: object) -> SearchResult:
    search: StepSearch = _search(_spec(**spec), capacity)
    vendor = {"name": "sandbox-saturating", "title_en": "Sandbox (saturating)",
              "title_zh": "沙箱（易饱和）"}  # fmt: skip
    return SearchResult.build(
        search, scenario="breakpoint", vendor=vendor, started_at="t", search_time_s=95.0
    )


@pytest.mark.parametrize("lang", LANGS)
def test_page_shows_verdict_curve_and_steps(lang: Lang) -> None:
    result = _result()
    page = render_breakpoint(result, lang)
    assert result.breakpoint_rate is not None
    assert re.search(r'<path class="fit" d="M[\d. ]+L', page)
    assert page.count('<circle class="point"') == 2 * len(result.steps)
    assert page.count("<tr>") == len(result.steps) + 1
    assert 'href="steps/step-1/report.html"' in page
    rate = f"{result.breakpoint_rate:.3g}"
    if lang == "en":
        assert f"Breakpoint: {rate}/s" in page
        assert "Throughput keeps up" in page
        assert "Bisected until the first bad rate was within 5% of the last good one." in page
    else:
        assert f"断点：{rate}/秒" in page
        assert "吞吐量跟上负载" in page


def test_rate_ceiling_says_the_breakpoint_is_above_it() -> None:
    page = render_breakpoint(_result(capacity=100.0, max_rate="5/s"), "en")
    assert "Breakpoint: at least 5/s" in page
    assert "up to the rate ceiling (5/s): the breakpoint lies above it" in page


def test_a_first_step_that_breaks_finds_nothing() -> None:
    page = render_breakpoint(_result(capacity=1.0, start="3/s"), "en")
    assert "No breakpoint found" in page
    assert "The first step already broke an SLO: lower breakpoint.start" in page


def test_writes_json_and_both_pages(tmp_path: Path) -> None:
    result = _result()
    json_path = write_breakpoint_json(result, tmp_path)
    html_path = write_breakpoint_report(result, tmp_path, "zh-CN")
    assert json.loads(json_path.read_text(encoding="utf-8"))["breakpoint_per_s"] == (
        result.breakpoint_rate
    )
    assert html_path.name == "breakpoint.html"
    assert 'href="breakpoint.en.html"' in html_path.read_text(encoding="utf-8")
    assert (tmp_path / "breakpoint.en.html").exists()


def test_xy_chart_escapes_and_handles_no_data() -> None:
    svg = xy_chart(lines={"<fit>": [(0.0, 0.0), (2.0, 4.0)]}, dots={"m": [(1.0, 2.0)]},
                   markers=[Marker(1.5, "a&b")], title="T", x_label="x", y_label="y")  # fmt: skip
    assert "&lt;fit&gt;" in svg and "a&amp;b" in svg and "<fit>" not in svg
    empty = xy_chart(lines={}, dots={"m": []}, title="T", x_label="x", y_label="y",
                     empty_text="nothing")  # fmt: skip
    assert "nothing" in empty and "<circle" not in empty


def _with_saturated_step(result: SearchResult, index: int) -> SearchResult:
    steps = [
        dataclasses.replace(s, reliable=False, unreliable_reason="generator saturated")
        if s.index == index
        else s
        for s in result.steps
    ]
    return dataclasses.replace(result, steps=steps)


def test_unreliable_steps_are_flagged_in_json_page_and_last_console_line(tmp_path: Path) -> None:
    """Issue 13: a step whose own run was marked "generator saturated" says so everywhere."""
    result = _with_saturated_step(_result(), 2)
    data = json.loads(write_breakpoint_json(result, tmp_path).read_text(encoding="utf-8"))
    assert data["reliable"] is False and data["unreliable_steps"] == [2]
    flags = [(s["index"], s["reliable"], s["unreliable_reason"]) for s in data["steps"]]
    assert flags[1] == (2, False, "generator saturated")
    assert all(ok for i, ok, _ in flags if i != 2)
    total = len(result.steps)
    page = render_breakpoint(result, "en")
    assert f"1 of {total} steps unreliable: generator saturated (step 2)" in page
    assert page.count("⚠ saturated") == 1
    assert f"{total} 步中有 1 步不可靠" in render_breakpoint(result, "zh-CN")
    last = _final_lines(result, "en")[-1]
    assert last.startswith("Breakpoint: ")
    assert last.endswith(f"(1 of {total} steps unreliable: generator saturated)")


def test_a_search_with_reliable_steps_says_nothing_about_reliability() -> None:
    result = _result()
    assert "unreliable" not in render_breakpoint(result, "en")
    assert "unreliable" not in _final_lines(result, "en")[-1]
    assert json.loads(json.dumps(result.to_dict()))["unreliable_steps"] == []
