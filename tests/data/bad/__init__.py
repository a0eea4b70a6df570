"""Malformed inputs, built on demand: binary fixtures in git would hide what each one is.

``EXPORTS`` maps a file name to the part of the message ``read_export`` must give for it;
``PIPELINE`` those refused only once the column map is applied. ``maps/`` holds bad column maps,
one mistake each (the first line says which), with the exact message in ``<name>.expected``.
"""

from __future__ import annotations

import csv
import io
import os
import random
from collections.abc import Callable
from pathlib import Path

from tests.data.exports import HEADERS, build, write_csv, write_xlsx

MAPS = Path(__file__).parent / "maps"

EXPORTS: dict[str, str] = {
    "empty.csv": "the file is empty; export the tickets again.",
    "no-header.csv": ":1: no header; the first line must name the columns.",
    "duplicate-header.csv": ":1: column name '手机号' appears 2 times (column 10, column 13)",
    "truncated.csv": "a quoted field opened on line 12 is never closed: the file looks truncated.",
    "shift-jis.csv": "it is probably Shift-JIS, Big5 or another encoding",
    "random-bytes.csv": "and not GBK/GB18030 either (line 1, byte offset",
    "merged-header.xlsx": "header cells A1:L1 are merged, so some columns have no name. Unmerge",
    "old-excel.xls": "an old Excel .xls (binary) workbook; open it in Excel and save it",
    "not-a-workbook.xlsx": "named .xlsx but is not an Excel workbook.",
    "archive.zip": "a ZIP archive, not an Excel workbook (.xlsx).",
    "damaged.xlsx": "a damaged or truncated Excel workbook; save it again as .xlsx.",
    "binary.csv": "a binary file, not a CSV or XLSX export.",
}
PIPELINE: dict[str, str] = {
    "missing-column.csv": "columns.phone: column '手机号' is not in missing-column.csv. Did you "
    "mean '手机'? Its columns: 工单号, 创建时间, 分配时间, 渠道, 问题分类, 优先级, 标题, 内容, "
    "客户姓名, 手机, 邮箱, 处理人.",
    "header-only.csv": "header-only.csv: a header but no rows; nothing to do.",
}


def _csv_text(rows: int = 20, *, quote_all: bool = False) -> str:
    text = io.StringIO()
    writer = csv.DictWriter(text, HEADERS, lineterminator="\r\n",
                            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)  # fmt: skip
    writer.writeheader()
    writer.writerows(build(rows).rows)
    return text.getvalue()


def _truncated(path: Path) -> None:
    text = _csv_text(quote_all=True)
    lines = text.split("\r\n")
    cut = "\r\n".join(lines[:11]) + "\r\n" + lines[11][:40]  # inside a quoted field of line 12
    path.write_bytes(cut.encode("utf-8-sig"))


def _xlsx(path: Path, **kwargs: bool) -> None:
    write_xlsx(path, build(20), **kwargs)


def _damaged(path: Path) -> None:
    write_xlsx(path, build(20))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _archive(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")


_JAPANESE = "番号,氏名,内容\r\n1,山田太郎,注文の配送について問い合わせです。\r\n"

BUILDERS: dict[str, Callable[[Path], object]] = {
    "empty.csv": lambda p: p.write_bytes(b""),
    "no-header.csv": lambda p: p.write_text(",,\r\n1,2,3\r\n", encoding="utf-8"),
    "duplicate-header.csv": lambda p: p.write_text(
        ",".join([*HEADERS, "手机号"]) + "\r\n", encoding="utf-8"
    ),
    "truncated.csv": _truncated,
    "shift-jis.csv": lambda p: p.write_bytes(_JAPANESE.encode("shift_jis")),
    "random-bytes.csv": lambda p: p.write_bytes(
        random.Random(7).randbytes(4000).replace(b"\x00", b"\xff")
    ),
    "merged-header.xlsx": lambda p: _xlsx(p, merged_title=True),
    "old-excel.xls": lambda p: p.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + os.urandom(500)),
    "not-a-workbook.xlsx": lambda p: p.write_text("工单号,内容\r\n", encoding="utf-8"),
    "archive.zip": _archive,
    "damaged.xlsx": _damaged,
    "binary.csv": lambda p: p.write_bytes(b"%PDF-1.7\n\x00\x01\x02\x03 not text"),
    "missing-column.csv": lambda p: p.write_text(
        _csv_text().replace("手机号", "手机", 1), encoding="utf-8-sig"
    ),
    "header-only.csv": lambda p: p.write_text(",".join(HEADERS) + "\r\n", encoding="gbk"),
}


def write(case: str, folder: Path) -> Path:
    path = folder / case
    BUILDERS[case](path)
    return path


__all__ = ["BUILDERS", "EXPORTS", "MAPS", "PIPELINE", "write", "write_csv"]
