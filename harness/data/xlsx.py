"""XLSX exports for :func:`harness.data.io.read_export`: openpyxl ``read_only``, streamed.

Row 1 is the header. Merged cells there (a title row such as ``工单导出 2024-11`` across the
columns, or a two-row header) would leave columns without a name, so they are an error that names
the range. ``read_only`` worksheets do not expose merged ranges, so they are read from the sheet
XML's ``<mergeCell ref=...>`` elements, streamed (they follow the cell data). The sheet's stored
dimension is ignored (``reset_dimensions``): some exporters write ``A1`` and openpyxl would stop
after the first row.

Cells become the text a user sees: whole numbers without ``.0`` (phone numbers typed into a
number cell), dates and times in ISO 8601, booleans ``TRUE``/``FALSE``, empty cells ``""``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final

from harness.config.suggest import did_you_mean
from harness.errors import ConfigError

__all__ = ["cell_text", "open_sheet"]

_MERGE: Final[re.Pattern[bytes]] = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")
_ROW_OF: Final[re.Pattern[str]] = re.compile(r"[A-Z]+(\d+)")
_CHUNK: Final[int] = 1 << 20

Rows = Iterator[tuple[int, dict[str, str]]]


def cell_text(value: object) -> str:
    """An XLSX cell as the text a user sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def open_sheet(source: Path, shown: str, sheet: str | None) -> tuple[list[str], Rows]:
    """Header names of ``sheet`` (default: the first) and an iterator over its data rows."""
    from openpyxl.utils import get_column_letter

    from harness.data.io import header_names

    with _workbook(source, shown) as workbook:
        worksheet = _pick(workbook, shown, sheet)
        merged = _merged_header(workbook, worksheet)
        if merged:
            where = f"{shown} (sheet '{worksheet.title}')"
            raise ConfigError(
                f"{where}:1: header cells {', '.join(merged)} are merged, so some columns have "
                "no name. Unmerge them (Excel: 合并后居中 > 取消单元格合并), give every column its "
                "own name in row 1 and delete title rows above the header."
            )
        worksheet.reset_dimensions()
        first = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        raw = [cell_text(value) for value in first]
        header_names(  # raises on no header or duplicate names
            f"{shown} (sheet '{worksheet.title}')", raw, lambda i: get_column_letter(i + 1)
        )
        title = worksheet.title
    keep = [(i, name.strip()) for i, name in enumerate(raw) if name.strip()]
    return [name for _, name in keep], _rows(source, shown, title, keep, len(raw))


@contextmanager
def _workbook(source: Path, shown: str) -> Iterator[Any]:
    """The workbook, read-only; opened from a file object so the name's extension is no matter."""
    import openpyxl

    with source.open("rb") as handle:
        try:
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            raise ConfigError(
                f"{shown}: a damaged or truncated Excel workbook; save it again as .xlsx."
            ) from None
        if "xl/workbook.xml" not in names:
            raise ConfigError(f"{shown}: a ZIP archive, not an Excel workbook (.xlsx).")
        handle.seek(0)
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # openpyxl raises KeyError, ValueError, its own errors... on bad parts
            raise ConfigError(
                f"{shown}: openpyxl cannot read this workbook; open it in Excel and save it "
                "again as .xlsx."
            ) from None
        try:
            yield workbook
        finally:
            workbook.close()


def _pick(workbook: Any, shown: str, sheet: str | None) -> Any:
    names: list[str] = list(workbook.sheetnames)
    if sheet is None:
        return workbook[names[0]]
    if sheet not in names:
        listing = ", ".join(f"'{name}'" for name in names)
        raise ConfigError(
            f"{shown}: no sheet named '{sheet}'.{did_you_mean(sheet, names)} Its sheets: {listing}."
        )
    return workbook[sheet]


def _merged_header(workbook: Any, worksheet: Any) -> list[str]:
    """Merged ranges that start in row 1, from the sheet's XML."""
    found: list[str] = []
    tail = b""
    # read_only worksheets keep their part name and the open archive in private attributes
    with workbook._archive.open(worksheet._worksheet_path) as xml:
        while chunk := xml.read(_CHUNK):
            data = tail + chunk  # the tail catches an element cut in two by the chunking
            found += [m.group(1).decode("ascii", "replace") for m in _MERGE.finditer(data)]
            tail = data[-256:]
    header = []
    for ref in dict.fromkeys(found):
        first_row = _ROW_OF.match(ref.split(":")[0])
        if first_row is not None and first_row.group(1) == "1":
            header.append(ref)
    return header


def _rows(source: Path, shown: str, title: str, keep: list[tuple[int, str]], width: int) -> Rows:
    """Data rows as ``{column: text}``; a row with a value right of the header's last column
    comes as ``{PROBLEM: reason}``, as a CSV record with too many fields does: its values may
    have slipped a column."""
    from openpyxl.utils import get_column_letter

    from harness.data.io import PROBLEM

    with _workbook(source, shown) as workbook:
        worksheet = workbook[title]
        worksheet.reset_dimensions()
        for number, values in enumerate(worksheet.iter_rows(min_row=2, values_only=True), 2):
            texts = [cell_text(value) for value in values]
            if not any(text.strip() for text in texts):
                continue  # a blank row is not a ticket
            stray = [i for i in range(width, len(texts)) if texts[i].strip()]
            if stray:
                yield number, {PROBLEM: f"a value in column {get_column_letter(stray[0] + 1)}, "
                                        "right of the header's last column "
                                        f"({get_column_letter(width)}): the row may have "
                                        "slipped a column"}  # fmt: skip
                continue
            yield number, {name: texts[i] if i < len(texts) else "" for i, name in keep}
