"""decision.xlsx: the decision for managers, one sheet per view, numbers as numbers.

Sheets: ``Summary`` (the ranking with each dimension's score and the failed vetoes, then the
vendors not measured and so not ranked, with no rank and no score), one sheet
per vendor (stage verdicts, score lines, vetoes), ``Thresholds`` (every run threshold and
breakpoint SLO per vendor and stage), ``Checks`` (every acceptance check with its reproduction)
and ``TCO``. Everything comes from decision.json, so the two hold the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

__all__ = ["DECISION_XLSX", "VENDOR_SHEET_PREFIX", "write_decision_xlsx"]

DECISION_XLSX: Final = "decision.xlsx"
VENDOR_SHEET_PREFIX: Final = "V-"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

Row = Sequence[object]


def write_decision_xlsx(decision: Mapping[str, Any], root: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    ranking = decision["ranking"]
    dims = list(ranking[0]["dimensions"]) if ranking else []
    _rows(
        summary,
        [
            "rank",
            "vendor",
            "title_en",
            "title_zh",
            "total",
            *dims,
            "vetoed",
            "vetoes_failed",
            "why",
        ],
        [
            [
                st["rank"],
                st["vendor"],
                st["title"]["en"],
                st["title"]["zh-CN"],
                st["total"],
                *(st["dimensions"][d]["score"] for d in dims),
                st["vetoed"],
                ", ".join(v["id"] for v in st["vetoes_failed"]),
                " | ".join(v["why"]["en"] for v in st["vetoes_failed"]),
            ]
            for st in ranking
        ]
        + [  # not measured, so not ranked: no rank, no score (0 would read as measured)
            [
                None,
                nr["vendor"],
                nr["title"]["en"],
                nr["title"]["zh-CN"],
                None,
                *(None for _ in dims),
                None,
                "",
                nr["why"]["en"],
            ]
            for nr in decision["not_ranked"]
        ],
    )
    summary.append([])
    summary.append(["noise rule", decision["noise_rule"]["en"]])
    summary.append(["plan", decision["plan"]["name"], "complete", decision["complete"]])
    for st in [*ranking, *decision["not_ranked"]]:
        _vendor_sheet(book, st["vendor"], decision["vendors"][st["vendor"]])
    thresholds, checks = book.create_sheet("Thresholds"), book.create_sheet("Checks")
    threshold_rows: list[Row] = []
    check_rows: list[Row] = []
    for name, vendor in decision["vendors"].items():
        for stage in vendor["stages"]:
            threshold_rows += [
                [name, stage["id"], th["metric"], th["source"], th["ok"], th["measured"]]
                for th in stage.get("thresholds", [])
            ]
            check_rows += [
                [
                    name,
                    stage["id"],
                    c["id"],
                    c["severity"],
                    c["outcome"],
                    c["message"],
                    c["reproduction"],
                ]
                for c in stage.get("checks", [])
            ]
    _rows(thresholds, ["vendor", "stage", "metric", "threshold", "ok", "measured"], threshold_rows)
    _rows(
        checks,
        ["vendor", "stage", "check", "severity", "outcome", "message", "reproduction"],
        check_rows,
    )
    tco = book.create_sheet("TCO")
    _rows(
        tco,
        ["vendor", "explicit", "hidden", "total", "source", "items"],
        [
            [
                name,
                v["tco"]["explicit"],
                v["tco"]["hidden"],
                v["tco"]["total"],
                v["tco"]["source"],
                _items(v["tco"]),
            ]
            for name, v in decision["vendors"].items()
            if v["tco"]
        ],
    )
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    path = root / DECISION_XLSX
    book.save(path)
    return path


def _vendor_sheet(book: Any, name: str, vendor: Mapping[str, Any]) -> None:
    title = _BAD_SHEET_CHARS.sub("_", f"{VENDOR_SHEET_PREFIX}{name}")[:31]
    sheet = book.create_sheet(title)
    _rows(
        sheet,
        ["stage", "kind", "state", "verdict", "evidence"],
        [
            [
                s["id"],
                s["kind"],
                s["state"],
                s["verdict"],
                " ".join(e["href"] for e in s["evidence"]),
            ]
            for s in vendor["stages"]
        ],
    )
    sheet.append([])
    sheet.append(
        ["criterion", "dimension", "measured", "unit", "points", "weight", "contribution", "source"]
    )
    for line in vendor["lines"]:
        sheet.append(
            [
                line["criterion"],
                line["dimension"],
                line["measured"],
                line["unit"],
                line["points"],
                line["weight"],
                line["contribution"],
                line["source"],
            ]
        )
    sheet.append([])
    sheet.append(["veto", "require", "measured", "status", "why"])
    for veto in vendor["vetoes"]:
        sheet.append(
            [veto["id"], veto["require"], veto["measured"], veto["status"], veto["why"]["en"]]
        )


def _items(tco: Mapping[str, Any]) -> str:
    parts = [
        f"{group}.{key}={value:g}"
        for group in ("one_off", "per_year", "hidden_per_year")
        for key, value in tco[group].items()
    ]
    return "; ".join(parts)


def _rows(sheet: Any, header: Sequence[str], rows: Sequence[Row]) -> None:
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
