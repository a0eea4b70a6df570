"""Reads the numbers back out of decision.html (its data-* attributes) and decision.xlsx."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any


class _DataAttributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = {k.removeprefix("data-"): v or "" for k, v in attrs if k.startswith("data-")}
        if data:
            self.found.append(data)


def html_numbers(page: Path) -> dict[str, Any]:
    parser = _DataAttributes()
    parser.feed(page.read_text(encoding="utf-8"))
    ranking: list[dict[str, Any]] = []
    points: dict[str, dict[str, float]] = {}
    tco: dict[str, float] = {}
    not_ranked: list[str] = []
    section = ""
    for item in parser.found:
        if "section" in item:
            section = item["section"]
        elif "not-ranked" in item:
            not_ranked.append(item["vendor"])
        elif "rank" in item:
            ranking.append({"vendor": item["vendor"], "rank": int(item["rank"]),
                            "total": float(item["total"]), "dimensions": {}})  # fmt: skip
        elif "dimension" in item:
            ranking[-1]["dimensions"][item["dimension"]] = float(item["score"])
        elif "criterion" in item:
            points.setdefault(section, {})[item["criterion"]] = float(item["points"])
        elif "tco" in item:
            tco[section] = float(item["tco"])
    return {"ranking": ranking, "not_ranked": not_ranked, "points": points, "tco": tco}


def xlsx_sheets(path: Path) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}  # fmt: skip
