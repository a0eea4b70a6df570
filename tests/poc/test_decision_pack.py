"""The decision pack's three files hold the same numbers, and the page loads in headless
Chromium without a console error or a request beyond itself (issue 18)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.poc.pack_reader import html_numbers, xlsx_sheets
from tests.poc.test_poc_end_to_end import pack  # noqa: F401 - the module-scoped POC folder
from tests.report.browser import find_chromium, load_page

CHROMIUM = find_chromium()
REQUIRED = os.environ.get("CSM_REQUIRE_BROWSER") == "1"


def _decision(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "decision.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("page", ["decision.html", "decision.en.html"])
def test_html_and_json_agree(pack: Path, page: str) -> None:  # noqa: F811
    decision = _decision(pack)
    shown = html_numbers(pack / page)
    assert [(s["vendor"], s["rank"], s["total"]) for s in shown["ranking"]] == [
        (s["vendor"], s["rank"], s["total"]) for s in decision["ranking"]
    ]
    for row, standing in zip(shown["ranking"], decision["ranking"], strict=True):
        assert row["dimensions"] == {d: i["score"] for d, i in standing["dimensions"].items()}
    for name, vendor in decision["vendors"].items():
        assert shown["points"][name] == {ln["criterion"]: ln["points"] for ln in vendor["lines"]}
        if vendor["tco"]:
            assert shown["tco"][name] == vendor["tco"]["total"]


def test_xlsx_and_json_agree(pack: Path) -> None:  # noqa: F811
    decision = _decision(pack)
    sheets = xlsx_sheets(pack / "decision.xlsx")
    ranking = decision["ranking"]
    dims = list(ranking[0]["dimensions"])
    header, *rows = sheets["Summary"]
    assert header[: 5 + len(dims) + 2] == ["rank", "vendor", "title_en", "title_zh", "total",
                                            *dims, "vetoed", "vetoes_failed"]  # fmt: skip
    for row, standing in zip(rows, ranking, strict=False):
        assert row[0] == standing["rank"] and row[1] == standing["vendor"]
        assert row[4] == standing["total"]
        assert row[5 : 5 + len(dims)] == [standing["dimensions"][d]["score"] for d in dims]
        assert row[5 + len(dims)] == standing["vetoed"]
        failed = ", ".join(v["id"] for v in standing["vetoes_failed"])
        assert (row[6 + len(dims)] or "") == failed  # an empty cell reads back as None
    for name, vendor in decision["vendors"].items():
        sheet = sheets[f"V-{name}"]
        start = next(i for i, r in enumerate(sheet) if r and r[0] == "criterion") + 1
        lines = {r[0]: (r[4], r[6]) for r in sheet[start : start + len(vendor["lines"])]}
        assert lines == {ln["criterion"]: (ln["points"], ln["contribution"])
                         for ln in vendor["lines"]}  # fmt: skip
    checks = [c for v in decision["vendors"].values() for s in v["stages"]
              for c in s.get("checks", [])]  # fmt: skip
    assert len(sheets["Checks"]) - 1 == len(checks) > 0
    thresholds = [t for v in decision["vendors"].values() for s in v["stages"]
                  for t in s.get("thresholds", [])]  # fmt: skip
    assert len(sheets["Thresholds"]) - 1 == len(thresholds) > 0
    tco = {r[0]: r[3] for r in sheets["TCO"][1:]}
    assert tco == {n: v["tco"]["total"] for n, v in decision["vendors"].items() if v["tco"]}


@pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED,
    reason="no chromium on PATH (apt-get install chromium); CI sets CSM_REQUIRE_BROWSER=1",
)
@pytest.mark.parametrize("page", ["decision.html", "decision.en.html"])
def test_decision_page_in_headless_chromium(
    pack: Path,  # noqa: F811
    page: str,
    tmp_path: Path,
) -> None:
    if CHROMIUM is None:
        pytest.fail("CSM_REQUIRE_BROWSER=1 but no chromium on PATH: apt-get install chromium")
    path = pack / page
    html = path.read_text(encoding="utf-8")
    assert "default-src 'none'" in html
    loaded = load_page(CHROMIUM, path, tmp_path / "decision.png", {
        "ranking": "(document.getElementById('ranking') || {}).textContent || null",
        "rows": "document.querySelectorAll('tr.rank-row').length",
        "width": "document.documentElement.scrollWidth",
    })  # fmt: skip
    assert loaded.problems == []
    assert [url for url in loaded.requests if not url.startswith(("file://", "data:"))] == []
    assert loaded.texts["rows"] == len(_decision(pack)["ranking"])
    assert loaded.texts["ranking"] in ("排名", "Ranking")
    assert loaded.texts["width"] <= 1280
