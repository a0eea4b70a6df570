"""HTML reports: offline, escaped, well-formed, in both languages, in the promised order."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from harness.i18n import Lang
from harness.report.compare import Comparison
from harness.report.compare_html import render_comparison, write_comparison
from harness.report.html import render_run, write_run_report
from harness.results.model import Note, ProbeInfo, RunSummary
from tests.report import BASE_URL, make_run

LANGS: list[Lang] = ["en", "zh-CN"]
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}


class _Checker(HTMLParser):
    """Collects URL-bearing attributes and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in {"src", "href", "xlink:href", "action",
                                                          "srcset", "poster", "data"}]  # fmt: skip
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)  # <line .../> inside SVG: opened and closed at once

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
        else:
            self.stack.pop()


def _check(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    for tag in ("html", "head", "body", "main"):
        assert checker.tags.count(tag) == 1
    return checker


def _assert_offline(page: str) -> None:
    checker = _check(page)
    for url in checker.urls:  # only relative links to sibling files, no scheme, no //host
        assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE), url
    lowered = page.lower()
    for banned in ("<script", "<link", "<iframe", "<img", "@import", "url(", "@font-face"):
        assert banned not in lowered, banned
    # the vendor's base URL is shown as text in run information; nothing else is a URL
    assert "http://" not in page.replace(BASE_URL, "") and "https://" not in page
    assert "default-src 'none'" in page  # and the browser is told to load nothing


@pytest.fixture(scope="module")
def runs() -> tuple[RunSummary, RunSummary]:
    return make_run(), make_run(saturating=True)


@pytest.fixture(scope="module")
def comparison(runs: tuple[RunSummary, RunSummary]) -> Comparison:
    return Comparison.build([runs[1], runs[0]], created_at="2026-11-11T01:00:00Z")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("saturating", [False, True], ids=["solid", "saturating"])
def test_run_report_is_offline_and_well_formed(lang: Lang, saturating: bool) -> None:
    page = render_run(make_run(saturating), lang, switch_href="report.other.html")
    _assert_offline(page)
    assert page.startswith("<!doctype html>")
    assert f'<html lang="{lang}">' in page
    assert '<meta charset="utf-8">' in page
    assert page.count("<svg") == 5


@pytest.mark.parametrize(
    ("lang", "verdict", "words"),
    [
        ("en", "FAIL", ["5 of 7 thresholds passed", "Insufficient users: 412 arrivals"]),
        ("zh-CN", "未通过", ["7 项阈值中通过 5 项", "用户不足：412 个到达延迟启动", "每秒 20 次"]),
    ],
)
def test_run_report_shows_verdict_and_measured_values(lang: Lang, verdict: str,
                                                      words: list[str]) -> None:  # fmt: skip
    page = render_run(make_run(saturating=True), lang)
    assert re.search(rf'<p class="verdict" id="verdict">{verdict}</p>', page)
    assert '<section class="banner fail"' in page
    for measured in ("p95=14.3s", "rate=4.19%", "p95 &lt; 10s", "4.19%", "2,400", BASE_URL):
        assert measured in page
    assert all(w in page for w in words)


def test_run_report_sections_come_in_the_promised_order() -> None:
    page = render_run(make_run(saturating=True), "en")
    order = ['class="banner', 'id="thresholds"', 'id="notes"', 'id="latency"',
             'id="distribution"', 'id="throughput"', 'id="metrics"', 'id="run-info"']  # fmt: skip
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_passing_run_and_incomplete_run_banners() -> None:
    solid = make_run()
    page = render_run(solid, "zh-CN")
    assert '<section class="banner pass"' in page and ">通过</p>" in page
    assert "被提前中止" not in page
    cut = dataclasses.replace(solid, complete=False)
    assert "This run was cut short" in render_run(cut, "en")
    assert "本次运行被提前中止" in render_run(cut, "zh-CN")


def test_polling_probe_shows_its_interval() -> None:
    run = dataclasses.replace(make_run(), probe=ProbeInfo("polling", 2.0, 60.0))
    page = render_run(run, "en")
    assert "Polling, gaps growing to 2 s" in page
    assert "between the last poll that saw the ticket unassigned" in page
    assert "轮询，间隔逐步增至 2 秒" in render_run(run, "zh-CN")


def test_run_without_data_renders_no_data_charts() -> None:
    run = dataclasses.replace(make_run(), timeline=[], routing_distribution=[], thresholds=[],
                              notes=[], metrics={})  # fmt: skip
    page = render_run(run, "en")
    _assert_offline(page)
    assert page.count('class="no-data"') == 5
    assert "No thresholds were set for this run." in page and "No warnings." in page


def test_untrusted_text_is_escaped() -> None:
    nasty = '<script>alert("x")</script>'
    run = make_run()
    vendor = dataclasses.replace(run.vendor, title_en=nasty, title_zh=nasty)
    run = dataclasses.replace(run, vendor=vendor, notes=[Note("warning", nasty, nasty)],
                              run_id="javascript:alert(1)")  # fmt: skip
    for lang in LANGS:
        page = render_run(run, lang)
        _assert_offline(page)
        assert "&lt;script&gt;" in page
    page = render_comparison(Comparison.build([run, make_run()], created_at="x"), "en")
    _assert_offline(page)
    assert 'href="javascript%3Aalert%281%29/report.html"' in page


def test_rendering_is_deterministic(comparison: Comparison) -> None:
    run = make_run(saturating=True)
    assert render_run(run, "zh-CN") == render_run(run, "zh-CN")
    assert render_comparison(comparison, "en") == render_comparison(comparison, "en")


def test_page_prints_cleanly_and_uses_a_chinese_font_stack() -> None:
    page = render_run(make_run(), "zh-CN")
    assert "@media print" in page and "@page" in page and "break-inside: avoid" in page
    assert '"PingFang SC"' in page and '"Microsoft YaHei"' in page
    assert '"Noto Sans CJK SC"' in page


def test_write_run_report_writes_both_languages_linked_both_ways(tmp_path: Path) -> None:
    path = write_run_report(make_run(), tmp_path / "run", "zh-CN")
    assert path == tmp_path / "run" / "report.html"
    main, twin = (
        path.read_text(encoding="utf-8"),
        (path.parent / "report.en.html").read_text(encoding="utf-8"),
    )
    assert '<html lang="zh-CN">' in main and 'href="report.en.html"' in main
    assert '<html lang="en">' in twin and 'href="report.html"' in twin
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.en.html", "report.html"]


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_is_offline_and_ranks_first(comparison: Comparison, lang: Lang) -> None:
    page = render_comparison(comparison, lang)
    _assert_offline(page)
    order = ['id="ranking"', 'id="findings"', 'id="side-by-side"', 'id="overlay"', 'id="runs"']
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    for run in comparison.runs:
        assert page.count(f'href="{run.run_id}/report.html"') == 2
        assert run.vendor.title(lang) in page
    for finding in comparison.findings:
        assert str(escape(finding.text(lang))) in page


def test_comparison_highlights_the_better_value_only_where_values_differ(
    comparison: Comparison,
) -> None:
    page = render_comparison(comparison, "en")
    row = re.compile(r'<tr><th scope="row">(.*?)</th>\n(.*?)</tr>')
    rows = {m.group(1): m.group(2) for m in row.finditer(page)}
    assert rows["Routing latency p95"] == (
        '<td class="num best">0.37 s</td><td class="num">14.3 s</td>'
    )
    assert rows["Error rate"] == '<td class="num best">0.03%</td><td class="num">4.19%</td>'
    assert rows["Thresholds passed"] == '<td class="num best">7 / 7</td><td class="num">5 / 7</td>'
    # ticket creation p95 is 150 ms for both: no cell is better
    assert rows["Ticket creation p95"] == '<td class="num">150 ms</td><td class="num">150 ms</td>'
    # thresholds: the passing side is better where one fails; where both pass, neither is
    assert rows["Routing latency <code>p95 &lt; 10s</code>"] == (
        '<td class="num best">✓ pass p95=0.37s</td><td class="num">✗ fail p95=14.3s</td>'
    )
    assert rows["Routing latency <code>p99 &lt; 60s</code>"] == (
        '<td class="num">✓ pass p99=0.52s</td><td class="num">✓ pass p99=30s</td>'
    )


def test_comparison_overlays_each_vendors_routing_p95(comparison: Comparison) -> None:
    page = render_comparison(comparison, "zh-CN")
    overlay = page[page.index('id="overlay"') :]
    svg = overlay[overlay.index("<svg") : overlay.index("</svg>")]
    assert "沙箱（稳健）" in svg and "沙箱（易饱和）" in svg
    assert svg.count('<path d="M') == 1 + 2  # the axes, then one line per vendor


def test_write_comparison_writes_both_languages(tmp_path: Path, comparison: Comparison) -> None:
    path = write_comparison(comparison, tmp_path / "compare.html", "en")
    twin = tmp_path / "compare.zh-CN.html"
    assert 'href="compare.zh-CN.html"' in path.read_text(encoding="utf-8")
    assert 'href="compare.html"' in twin.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in twin.read_text(encoding="utf-8")
