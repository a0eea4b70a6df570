"""results.xlsx: one sheet per view of a run, for people who live in spreadsheets.

Sheets: summary, metrics, thresholds, checks (when a checks file exists), a per-ticket sample
(the first rows of tickets.parquet), scores and comparison (when given). Headers and sheet
names follow ``lang`` (Chinese for zh-CN). Numbers are stored as numbers with a number format
(milliseconds ``#,##0.0``, rates ``0.00%``, counts ``#,##0``), never as text, so they sort and
sum; an absent statistic is an empty cell. Header rows are frozen and columns sized to fit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from harness.analysis.scorecard import ScoreReport
from harness.i18n import Lang
from harness.report.compare import Comparison
from harness.report.tables import (
    Kind,
    Table,
    checks_table,
    comparison_table,
    metrics_table,
    scores_table,
    summary_table,
    thresholds_table,
    tickets_table,
)
from harness.report.writers.base import ExportRun
from harness.results.model import RunSummary

__all__ = ["FILENAME", "SHEETS", "export", "write"]

FILENAME: Final = "results.xlsx"
SHEETS: Final[dict[str, dict[Lang, str]]] = {
    "summary": {"en": "Summary", "zh-CN": "概要"},
    "metrics": {"en": "Metrics", "zh-CN": "指标"},
    "thresholds": {"en": "Thresholds", "zh-CN": "阈值"},
    "checks": {"en": "Checks", "zh-CN": "验收检查"},
    "tickets": {"en": "Tickets (sample)", "zh-CN": "工单样本"},
    "scores": {"en": "Scores", "zh-CN": "评分"},
    "comparison": {"en": "Comparison", "zh-CN": "厂商对比"},
}
FORMATS: Final[dict[Kind, str]] = {
    "int": "#,##0",
    "float": "#,##0.00",
    "ms": "#,##0.0",
    "pct": "0.00%",
}
_MAX_WIDTH: Final = 60


def export(run: ExportRun, out_dir: Path) -> list[Path]:
    return [
        write(
            run.summary, out_dir, lang=run.lang, tickets=run.tickets, checks=run.checks,
            scores=run.scores, comparison=run.comparison, sample_rows=run.sample_rows,
        )
    ]  # fmt: skip


def write(
    summary: RunSummary,
    out_dir: Path,
    *,
    lang: Lang = "en",
    tickets: Path | None = None,
    checks: object | None = None,
    scores: ScoreReport | None = None,
    comparison: Comparison | None = None,
    sample_rows: int = 1000,
) -> Path:
    """Write ``out_dir/results.xlsx`` and return its path."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    views: list[tuple[str, Table | None]] = [
        ("summary", summary_table(summary, lang)),
        ("metrics", metrics_table(summary, lang)),
        ("thresholds", thresholds_table(summary)),
        ("checks", checks_table(checks) if checks is not None else None),
        ("tickets", tickets_table(tickets, sample_rows) if tickets is not None else None),
        ("scores", scores_table(scores, lang) if scores is not None else None),
        ("comparison", comparison_table(comparison, lang) if comparison is not None else None),
    ]
    for key, table in views:
        if table is not None:
            _sheet(book, SHEETS[key][lang], table, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    book.save(path)
    return path


def _sheet(book: Any, title: str, table: Table, lang: Lang) -> None:
    """One write-only sheet: widths and the frozen header are set before the rows stream out."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    headers = table.headers(lang)
    for position, width in enumerate(_widths(headers, table.rows), start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    kinds = [column.kind for column in table.columns]
    styled: dict[tuple[int, Kind], Any] = {}  # one cell per column and format, reused per row:
    for index, row in enumerate(table.rows):  # a write-only sheet serialises it on append
        row_kinds = kinds
        if table.value_kinds is not None:
            row_kinds = [*kinds[:-1], table.value_kinds[index]]
        cells: list[object] = []
        for position, (kind, value) in enumerate(zip(row_kinds, row, strict=True)):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and kind in FORMATS:
                cell = styled.get((position, kind))
                if cell is None:
                    cell = styled[(position, kind)] = WriteOnlyCell(sheet)
                    cell.number_format = FORMATS[kind]
                cell.value = value
                cells.append(cell)
            else:
                cells.append(_cell(value))
        sheet.append(cells)


def _cell(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _widths(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    """Each column's width: its widest header or value (the first 1,000 rows), capped."""
    widths: list[float] = []
    for position, header in enumerate(headers):
        shown = (_display_width(_shown(row[position])) for row in rows[:1000])
        widths.append(min(_MAX_WIDTH, max(_display_width(header), *shown, 4) + 2))
    return widths


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _display_width(text: str) -> int:
    """Columns a text takes: CJK and other wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
