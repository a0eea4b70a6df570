"""What a decision pack must satisfy: its three files hold the same numbers, and the page loads
in headless Chromium without a console error or a request beyond itself (issue 18).

Plain functions, called by the end-to-end module on the pack it has just made (one POC run
feeds every check, so CI runs the plan once)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.poc.pack_reader import html_numbers, xlsx_sheets
from tests.report.browser import load_page


def decision_of(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "decision.json").read_text(encoding="utf-8"))
    return data


def assert_html_agrees_with_json(root: Path, page: str) -> None:
    decision = decision_of(root)
    shown = html_numbers(root / page)
    assert [(s["vendor"], s["rank"], s["total"]) for s in shown["ranking"]] == [
        (s["vendor"], s["rank"], s["total"]) for s in decision["ranking"]
    ]
    for row, standing in zip(shown["ranking"], decision["ranking"], strict=True):
        assert row["dimensions"] == {d: i["score"] for d, i in standing["dimensions"].items()}
    assert shown["not_ranked"] == [nr["vendor"] for nr in decision["not_ranked"]]
    for name, vendor in decision["vendors"].items():
        lines = {ln["criterion"]: ln["points"] for ln in vendor["lines"]}
        assert shown["points"].get(name, {}) == lines
        if vendor["tco"]:
            assert shown["tco"][name] == vendor["tco"]["total"]


def assert_xlsx_agrees_with_json(root: Path, *, runs: bool = True) -> None:
    """``runs``: the plan has run stages, so the Thresholds sheet must not be empty."""
    decision = decision_of(root)
    sheets = xlsx_sheets(root / "decision.xlsx")
    ranking = decision["ranking"]
    dims = list(ranking[0]["dimensions"]) if ranking else []
    header, *rows = sheets["Summary"]
    assert header[: 5 + len(dims) + 2] == ["rank", "vendor", "title_en", "title_zh", "total",
                                            *dims, "vetoed", "vetoes_failed"]  # fmt: skip
    assert len(rows) >= len(ranking)
    for row, standing in zip(rows, ranking, strict=False):
        assert row[0] == standing["rank"] and row[1] == standing["vendor"]
        assert row[4] == standing["total"]
        assert row[5 : 5 + len(dims)] == [standing["dimensions"][d]["score"] for d in dims]
        assert row[5 + len(dims)] == standing["vetoed"]
        failed = ", ".join(v["id"] for v in standing["vetoes_failed"])
        assert (row[6 + len(dims)] or "") == failed  # an empty cell reads back as None
    for row, unranked in zip(rows[len(ranking) :], decision["not_ranked"], strict=False):
        assert row[:2] == [None, unranked["vendor"]]  # no rank
        assert row[4 : 6 + len(dims)] == [None] * (len(dims) + 2)  # no score: not 0
        assert row[7 + len(dims)] == unranked["why"]["en"]
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
    assert len(sheets["Thresholds"]) - 1 == len(thresholds)
    assert len(thresholds) > 0 or not runs
    tco = {r[0]: r[3] for r in sheets["TCO"][1:]}
    assert tco == {n: v["tco"]["total"] for n, v in decision["vendors"].items() if v["tco"]}


def assert_page_loads_cleanly(chromium: str, root: Path, page: str, screenshot: Path) -> None:
    path = root / page
    html = path.read_text(encoding="utf-8")
    assert "default-src 'none'" in html
    loaded = load_page(chromium, path, screenshot, {
        "ranking": "(document.getElementById('ranking') || {}).textContent || null",
        "rows": "document.querySelectorAll('tr.rank-row').length",
        "width": "document.documentElement.scrollWidth",
    })  # fmt: skip
    assert loaded.problems == []
    assert [url for url in loaded.requests if not url.startswith(("file://", "data:"))] == []
    assert loaded.texts["rows"] == len(decision_of(root)["ranking"])  # not_ranked: no rank-row
    assert loaded.texts["ranking"] in ("排名", "Ranking")
    assert loaded.texts["width"] <= 1280
