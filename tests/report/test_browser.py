"""The reports in a real headless Chromium: they load with no console error and no request
beyond the page itself, show the verdict, and a screenshot is taken (issue 7, acceptance a).

Skipped when no Chromium is installed, unless ``CSM_REQUIRE_BROWSER=1`` (set by ``.ci/run``,
which installs Debian's ``chromium``): then a missing browser fails the test.
Set ``CSM_SCREENSHOT_DIR`` to keep the screenshots.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from harness.report.compare import Comparison
from harness.report.compare_html import write_comparison
from harness.report.html import write_run_report
from harness.results import summary_json as json_writer
from tests.report import BASE_URL, make_run
from tests.report.browser import find_chromium, load_page
from tests.report.test_run_extras import BREAKPOINT, CHECKS

CHROMIUM = find_chromium()
REQUIRED = os.environ.get("CSM_REQUIRE_BROWSER") == "1"
KEEP = os.environ.get("CSM_SCREENSHOT_DIR")  # read at import: a fixture clears CSM_* later
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED,
    reason="no chromium on PATH (apt-get install chromium); CI sets CSM_REQUIRE_BROWSER=1",
)
_URL_ATTR = re.compile(r"""(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(https?:|//)""",
                       re.IGNORECASE)  # fmt: skip
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(https?:|//)", re.IGNORECASE)


def _pages(tmp_path: Path) -> dict[str, Path]:
    solid, saturating = make_run(), make_run(saturating=True)
    batch = tmp_path / "batch"
    for run in (solid, saturating):
        json_writer.write(run, batch / run.run_id)
    solid_dir = batch / solid.run_id
    (solid_dir / "checks.json").write_text(json.dumps(CHECKS), encoding="utf-8")
    (solid_dir / "breakpoint.json").write_text(json.dumps(BREAKPOINT), encoding="utf-8")
    write_run_report(saturating, batch / saturating.run_id, "en")
    return {
        "run-en": write_run_report(solid, solid_dir, "en"),
        "run-zh": solid_dir / "report.zh-CN.html",
        "compare": write_comparison(
            Comparison.build([solid, saturating]), batch / "comparison.html", "zh-CN"
        ),
    }


def _assert_no_remote_urls(html: str) -> None:
    """Statically: no http(s) or protocol-relative URL in src/href/url(); the vendor's base URL
    is shown as text only."""
    assert not _URL_ATTR.search(html), _URL_ATTR.search(html)
    assert not _CSS_URL.search(html)
    assert "https://" not in html and "http://" not in html.replace(BASE_URL, "")


@pytest.mark.parametrize("name", ["run-en", "run-zh", "compare"])
def test_report_in_headless_chromium(tmp_path: Path, name: str) -> None:
    if CHROMIUM is None:
        pytest.fail("CSM_REQUIRE_BROWSER=1 but no chromium on PATH: apt-get install chromium")
    page = _pages(tmp_path)[name]
    html = page.read_text(encoding="utf-8")
    _assert_no_remote_urls(html)
    shot = tmp_path / f"{name}.png"
    loaded = load_page(CHROMIUM, page, shot, {
        "verdict": "(document.getElementById('verdict') || {}).textContent || null",
        "ranking": "(document.getElementById('ranking') || {}).textContent || null",
        "svgs": "document.querySelectorAll('svg.chart').length",
        "width": "document.documentElement.scrollWidth",
    })  # fmt: skip
    assert loaded.problems == []
    assert [url for url in loaded.requests if not url.startswith(("file://", "data:"))] == []
    assert loaded.requests[:1] == [page.resolve().as_uri()]
    if name == "compare":
        assert loaded.texts["ranking"] and "结论与排名" in loaded.texts["ranking"]
    else:
        assert loaded.texts["verdict"] == {"run-en": "PASS", "run-zh": "通过"}[name]
    assert loaded.texts["svgs"] >= 5 if name != "compare" else loaded.texts["svgs"] >= 1
    assert loaded.texts["width"] <= 1280  # nothing overflows sideways
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    if KEEP:
        Path(KEEP).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(KEEP) / shot.name)
