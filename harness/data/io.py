"""Read a helpdesk export (CSV or XLSX) as header names plus rows of text, streaming.

:func:`read_export` decides the format by content, not by name: a ZIP holding
``xl/workbook.xml`` is a workbook (:mod:`harness.data.xlsx`), an OLE file is an old ``.xls``
(refused), anything else is CSV. CSV encoding ``auto`` reads a UTF-16 BOM, else tries
``utf-8-sig``, then ``gb18030`` (a superset of GBK that also holds rare name characters). A file
that decodes as GB18030 but whose characters are mostly outside GB2312 is Shift-JIS or Big5
read wrongly, and is refused rather than turned into mojibake. The delimiter is sniffed from
the header line among ``,`` ``;`` and tab.

Row numbers are what a user sees: the CSV line where a record starts, the XLSX row. Blank lines
are not rows. A record the reader cannot use (a stray quote, more fields than the header) comes
back as ``{PROBLEM: reason}`` so the caller can reject that row and go on; a reason never holds
a value from the file. Every file-level problem is a :class:`~harness.errors.ConfigError`
naming the file (and the line where there is one).
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, get_args

from harness.config.loader import display_path
from harness.errors import ConfigError

__all__ = ["ENCODINGS", "PROBLEM", "Encoding", "Export", "header_names", "read_export"]

Encoding = Literal["auto", "utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]
ENCODINGS: Final[tuple[str, ...]] = get_args(Encoding)
PROBLEM: Final[str] = ""  # never a column name: columns without a header are dropped
_DELIMITERS: Final[str] = ",;\t"
_CHUNK: Final[int] = 1 << 20
_FIELD_LIMIT: Final[int] = 1 << 24  # a longer field is an unclosed quote, not a ticket
_SAMPLE_CHARS: Final[int] = 1 << 20  # characters checked against GB2312 after a GB18030 decode
_OLE: Final[bytes] = bytes.fromhex("d0cf11e0a1b11ae1")
_ASCII_RUNS: Final[re.Pattern[str]] = re.compile(r"[\x00-\x7f]+")
_UTF8_EVIDENCE: Final[int] = 20  # UTF-8 characters before a bad byte that rule out GBK
_UTF16_BOMS: Final[tuple[bytes, bytes]] = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

Rows = Iterator[tuple[int, dict[str, str]]]
_Records = Iterator[tuple[int, list[str], str | None]]


@dataclass
class Export:
    """One opened export. ``rows`` can be iterated once: call :func:`read_export` again (with
    ``encoding=export.encoding``, which skips detection) for a second pass."""

    name: str  # the file name only: folders may say whose data this is
    format: Literal["csv", "xlsx"]
    columns: list[str]
    rows: Rows
    encoding: str | None  # the CSV codec used; None for XLSX
    delimiter: str | None = None


def read_export(
    path: str | os.PathLike[str],
    *,
    encoding: str = "auto",
    sheet: str | None = None,
    delimiter: str | None = None,
    map_sheet: str | None = None,
) -> Export:
    """Open ``path``; raise :class:`ConfigError` for anything that is not a readable export.

    ``sheet`` (the ``--sheet`` flag) is an error for a CSV file; ``map_sheet`` (the column map's
    ``source.sheet``) applies to workbooks only, so one map serves an export's CSV and XLSX.
    """
    source = Path(path)
    shown = display_path(source)
    if encoding not in ENCODINGS:
        raise ConfigError(f"--encoding {encoding}: unknown; use one of {', '.join(ENCODINGS)}.")
    try:
        with source.open("rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such file.") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: is a folder; give the export file.") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read the file: {exc.strerror}.") from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ConfigError(f"{shown}: the file is empty; export the tickets again.")
    if head.startswith(b"PK\x03\x04"):
        from harness.data import xlsx  # openpyxl loads only for workbooks

        header, rows = xlsx.open_sheet(source, shown, sheet or map_sheet)
        return Export(source.name, "xlsx", header, rows, None)
    if head.startswith(_OLE):
        raise ConfigError(
            f"{shown}: an old Excel .xls (binary) workbook; open it in Excel and save it as "
            ".xlsx or as CSV UTF-8."
        )
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        raise ConfigError(f"{shown}: named {source.suffix} but is not an Excel workbook.")
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        raise ConfigError(f"{shown}: a binary file, not a CSV or XLSX export.")
    if sheet is not None:
        raise ConfigError(f"--sheet {sheet}: {shown} is a CSV file, which has no sheets.")
    if encoding == "auto":
        codec = _detect(source, shown, head)
    else:
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        failure = _first_failure(source, codec)
        if failure is not None:
            raise ConfigError(
                f"{shown}: not valid {encoding} ({_where(failure)}). Check --encoding, or "
                "leave it at auto."
            )
    return _open_csv(source, shown, codec, delimiter)


def header_names(shown: str, header: list[str], label: Callable[[int], str]) -> list[str]:
    """Stripped header names; empty ones are dropped, duplicates and no header are errors."""
    names = [name.strip() for name in header]
    if not any(names):
        raise ConfigError(f"{shown}:1: no header; the first line must name the columns.")
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if name:
            seen.setdefault(name, []).append(i)
    duplicates = [
        f"{shown}:1: column name '{name}' appears {len(at)} times "
        f"({', '.join(label(i) for i in at)}); rename all but one so the map can tell them apart."
        for name, at in seen.items()
        if len(at) > 1
    ]
    if duplicates:
        raise ConfigError(duplicates)
    return [name for name in names if name]


# --- encodings --------------------------------------------------------------------------------


def _detect(source: Path, shown: str, head: bytes) -> str:
    if head.startswith(_UTF16_BOMS):
        failure = _first_failure(source, "utf-16")
        if failure is not None:
            raise ConfigError(f"{shown}: starts like UTF-16 but is not ({_where(failure)}).")
        return "utf-16"
    utf8 = _first_failure(source, "utf-8-sig")
    if utf8 is None:
        return "utf-8-sig"
    if _utf8_before(source, utf8[1]) >= _UTF8_EVIDENCE:
        raise ConfigError(
            f"{shown}: UTF-8 up to {_where(utf8)}, where the byte is not UTF-8: the file is "
            "damaged or mixes encodings. Fix or delete that line, or pass --encoding."
        )
    gb = _first_failure(source, "gb18030")
    if gb is not None:
        raise ConfigError(
            f"{shown}: not UTF-8 ({_where(utf8)}) and not GBK/GB18030 either ({_where(gb)}). "
            "Save the export as CSV UTF-8, or pass --encoding with its real encoding."
        )
    share = _gb2312_share(source)
    if share is not None and share < 0.5:
        raise ConfigError(
            f"{shown}: decodes as GB18030, but {1 - share:.0%} of its characters are outside "
            "common Chinese (GB2312): it is probably Shift-JIS, Big5 or another encoding. Save "
            "it as CSV UTF-8, or pass --encoding gb18030 if the file really is Chinese."
        )
    return "gb18030"


def _utf8_before(source: Path, offset: int) -> int:
    """Non-ASCII characters decoded as UTF-8 in the megabyte before ``offset``. GBK text fails
    as UTF-8 within a character or two, so many of them mean UTF-8 with a damaged byte."""
    start = max(0, offset - _CHUNK)
    with source.open("rb") as handle:
        handle.seek(start)
        before = handle.read(offset - start).decode("utf-8", errors="ignore")
    return len(_ASCII_RUNS.sub("", before))


def _where(failure: tuple[int, int, int]) -> str:
    line, offset, byte = failure
    return f"line {line}, byte offset {offset}: 0x{byte:02x}"


def _first_failure(source: Path, codec: str) -> tuple[int, int, int] | None:
    """``(line, byte offset, byte)`` of the first byte ``codec`` cannot decode, or None.

    Decodes blocks that end at a newline byte, which never occurs inside a UTF-8, GBK or
    GB18030 multi-byte character, so each block decodes on its own and offsets stay exact.
    UTF-16 has no such boundary and is decoded whole.
    """
    if codec.startswith("utf-16"):
        raw = source.read_bytes()
        try:
            raw.decode(codec)
        except UnicodeDecodeError as exc:
            return raw.count(b"\n\x00", 0, exc.start) + 1, exc.start, raw[exc.start]
        return None
    offset = lines = 0
    with source.open("rb") as handle:
        while block := handle.read(_CHUNK) + handle.readline():
            try:
                block.decode(codec if offset == 0 else codec.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                at = exc.start
                return lines + block.count(b"\n", 0, at) + 1, offset + at, block[at]
            lines += block.count(b"\n")
            offset += len(block)
    return None


def _gb2312_share(source: Path) -> float | None:
    """Share of non-ASCII characters in GB2312, over the first million characters."""
    with source.open(encoding="gb18030", newline="") as handle:
        text = handle.read(_SAMPLE_CHARS)
    wide = _ASCII_RUNS.sub("", text)
    if len(wide) < 10:
        return None
    outside = wide.encode("gb2312", errors="replace").count(b"?") - wide.count("?")
    return 1 - outside / len(wide)


# --- CSV --------------------------------------------------------------------------------------


def _sniff(first_line: str) -> str:
    counts: Counter[str] = Counter()
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in _DELIMITERS:
            counts[char] += 1
    return counts.most_common(1)[0][0] if counts else ","


def _open_csv(source: Path, shown: str, codec: str, delimiter: str | None) -> Export:
    with source.open(encoding=codec, newline="") as handle:
        chosen = delimiter or _sniff(handle.readline())
    records = _records(source, shown, codec, chosen)
    _, header, problem = next(records, (1, [], None))
    if problem is not None:
        raise ConfigError(f"{shown}:1: the header line cannot be split into column names.")
    columns = header_names(shown, header, lambda i: f"column {i + 1}")
    keep = [(i, name.strip()) for i, name in enumerate(header) if name.strip()]
    return Export(source.name, "csv", columns, _rows(records, keep, len(header)), codec, chosen)


def _records(source: Path, shown: str, codec: str, delimiter: str) -> _Records:
    """``(first line, fields, None)`` of each non-blank record; ``(line, [], reason)`` for a
    record the csv module cannot split."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    with source.open(encoding=codec, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        done = 0
        while True:
            start = done + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "unexpected end of data" in str(exc) or "field limit" in str(exc):
                    raise ConfigError(
                        f"{shown}:{start}: a quoted field opened on line {start} is never "
                        "closed: the file looks truncated. Export it again, or close the quote."
                    ) from None
                done = reader.line_num
                yield start, [], f"the line cannot be split into fields ({exc})"
                continue
            done = reader.line_num
            if start == 1 or "".join(record).strip():  # line 1 is the header; blank lines go
                yield start, record, None


def _rows(records: _Records, keep: list[tuple[int, str]], width: int) -> Rows:
    names = [name for _, name in keep]
    at = [i for i, _ in keep]
    contiguous = at == list(range(len(at)))  # no blank header in between: zip does it
    for line, record, problem in records:
        if problem is not None:
            yield line, {PROBLEM: problem}
        elif len(record) < width or any(value.strip() for value in record[width:]):
            cut = " (cut short?)" if len(record) < width else " (an unquoted delimiter?)"
            yield line, {PROBLEM: f"the row has {len(record)} fields, the header {width}{cut}"}
        elif contiguous:
            yield line, dict(zip(names, record, strict=False))  # record is at least as wide
        else:
            yield line, {name: record[i] for i, name in keep}
