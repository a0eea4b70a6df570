"""Anonymise a helpdesk export into the canonical ticket table, and prove it clean.

:func:`anonymise` reads the export twice. Pass one counts rows, collects every structured PII
value (``Pseudonymiser.prepare``: fakes assigned in token order, whatever the row order) and the
names in name columns (a :class:`~harness.data.pii.NameIndex`, so a customer's name is found in
free text even without a cue word). Pass two maps each row (:mod:`harness.data.rows`),
pseudonymises structured PII, replaces PII in free text, and keys the customer; a row that
cannot be used goes to the rejects file with its row number, field and reason, never a value.
``rows_in == rows_out + rejects`` always.

The table is written to a hidden temporary file beside ``out``, read back and scanned
(:func:`~harness.data.residual.scan_frame` with the real values seen and the pseudonyms issued).
Only a clean scan renames it to ``out``; otherwise it is kept as ``<stem>.unverified.parquet``
and :class:`ResidualPiiFound` (exit code 1) says where the leaks are, never what they are. The
Parquet file is deterministic (no timestamps inside): the same export and key give the same
bytes. ``<stem>.meta.json`` (counts, key id, scan counts, created_at) and ``<stem>.registry.json``
(token -> pseudonym, no real values) sit beside it; the key itself is written nowhere.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from harness.config.loader import display_path
from harness.data import outputs
from harness.data.columns import ColumnMap, MapFile, load_map
from harness.data.io import PROBLEM, Encoding, Export, read_export
from harness.data.pii import NameIndex, PiiKind
from harness.data.rows import Reject, RowReader
from harness.errors import ConfigError, HarnessError

if TYPE_CHECKING:  # pandas, Faker tables and the scanner load once the export is known good
    import pandas as pd

    from harness.data.pseudonyms import Pseudonymiser
    from harness.data.residual import ScanReport

__all__ = ["AnonymiseResult", "Progress", "ResidualPiiFound", "anonymise", "customer_keys"]

Progress = Callable[[str, int, int], None]  # (phase, rows done, rows in total or 0)
_EVERY = 2000  # rows between progress calls
_CUSTOMER_KEY = r"cust_[0-9a-f]{16}"  # Pseudonymiser.customer_key


class ResidualPiiFound(HarnessError):
    """The residual scan found real values in the output; it is kept only as unverified."""

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, result: AnonymiseResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class AnonymiseResult:
    paths: outputs.Paths
    verified: bool
    rows_in: int
    rows_out: int
    rejects: int
    key_id: str
    source_format: str
    encoding: str | None
    scan: ScanReport
    structured: int  # structured cells pseudonymised
    in_text: int  # PII values replaced inside free text
    reasons: dict[str, int] = field(default_factory=dict)  # "field: reason" -> rows

    @property
    def parquet(self) -> Path:
        return self.paths.parquet if self.verified else self.paths.unverified


def anonymise(
    export_path: str | os.PathLike[str],
    map_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    key: bytes,
    lang: str = "en",
    encoding: Encoding | None = None,
    sheet: str | None = None,
    on_progress: Progress | None = None,
) -> AnonymiseResult:
    """Anonymise ``export_path`` with the column map ``map_path`` into ``out_path`` (.parquet)."""
    paths = outputs.Paths.for_out(Path(out_path))
    mapping = load_map(map_path)
    spec = mapping.spec
    opened = _open(export_path, mapping, encoding, sheet)
    mapping.check_export(opened.columns, display_path(export_path))
    progress = on_progress or (lambda phase, done, total: None)

    from harness.data.pseudonyms import Pseudonymiser

    ps = Pseudonymiser(key)
    structured = {name: PiiKind(kind) for name, kind in spec.pii.structured.items()}
    names, rows_in = _first_pass(opened, mapping, structured, ps, progress)
    if rows_in == 0:
        raise ConfigError(f"{display_path(export_path)}: a header but no rows; nothing to do.")

    again = _open(export_path, mapping, opened.encoding or "auto", sheet)
    table, rejects, counts = _second_pass(again, spec, structured, ps, names, progress, rows_in)
    if len(table) + len(rejects) != rows_in:
        raise HarnessError(
            f"{display_path(export_path)}: the file changed while it was read "
            f"({rows_in} rows, then {len(table) + len(rejects)}); run again on a copy."
        )

    progress("scan", rows_in, rows_in)
    try:
        written = outputs.write_parquet(table.frame(), paths)
        scan = _scan(written, ps, table.lines)
        reasons = Counter(f"{f}: {r}" if f else r for _, f, r in rejects)
        result = AnonymiseResult(
            paths=paths, verified=scan.ok, rows_in=rows_in, rows_out=len(table),
            rejects=len(rejects), key_id=ps.key_id, source_format=opened.format,
            encoding=opened.encoding, scan=scan, structured=counts["structured"],
            in_text=counts["in_text"], reasons=dict(reasons.most_common()),
        )  # fmt: skip
        outputs.write_rejects(paths.rejects, rejects)
        outputs.write_registry(paths.registry, ps.key_id, ps.registry())
        outputs.write_meta(paths.meta, result, source=opened.name, map_name=Path(map_path).name)
        outputs.publish(written, paths, verified=scan.ok)
    finally:
        paths.partial.unlink(missing_ok=True)  # gone after publish; left only by a failure
    if not scan.ok:
        raise ResidualPiiFound(
            f"{scan.summary(lang)}\nThe output is NOT verified and was kept only as "
            f"{display_path(paths.unverified)} for inspection; do not share it. Rows above are "
            "export row numbers.",
            result,
        )
    return result


def _open(path: str | os.PathLike[str], mapping: MapFile, encoding: str | None,
          sheet: str | None) -> Export:  # fmt: skip
    source = mapping.spec.source
    delimiter = "\t" if source.delimiter == "tab" else source.delimiter
    return read_export(
        path, encoding=encoding or source.encoding, sheet=sheet or source.sheet, delimiter=delimiter
    )


def _second_pass(
    export: Export, spec: ColumnMap, structured: dict[str, PiiKind], ps: Pseudonymiser,
    names: NameIndex, progress: Progress, total: int,
) -> tuple[outputs.Table, list[tuple[int, str, str]], Counter[str]]:  # fmt: skip
    """Every row into the table or the rejects: ``len(table) + len(rejects)`` rows read."""
    reader = RowReader(spec, pii_fields=frozenset(structured) | set(spec.pii.free_text))
    order = re.compile(spec.pii.order_number) if spec.pii.order_number else None
    key_columns = [
        (column, structured[name])
        for name in spec.key_fields()
        if (column := spec.columns[name].column) is not None
    ]
    table = outputs.Table()
    rejects: list[tuple[int, str, str]] = []
    counts = Counter[str]()
    for done, (line, row) in enumerate(export.rows, 1):
        if done % _EVERY == 0:
            progress("anonymise", done, total)
        if PROBLEM in row:  # the reader could not split this record
            rejects.append((line, "", row[PROBLEM]))
            continue
        try:
            values = reader.read(row)
        except Reject as rejected:
            rejects.append((line, rejected.field, rejected.reason))
            continue
        for name, kind in structured.items():
            raw = values.get(name)
            if isinstance(raw, str) and raw.strip():
                values[name] = ps.pseudonym(kind, raw)
                counts["structured"] += 1
        for name in spec.pii.free_text:
            raw = values.get(name)
            if isinstance(raw, str) and raw:
                values[name], replaced = ps.replace_in_text(raw, names=names, order_pattern=order)
                counts["in_text"] += replaced
        keyed = next(
            (ps.customer_key(kind, row[col]) for col, kind in key_columns if row[col].strip()),
            None,
        )
        table.add(line, values, keyed)
    progress("anonymise", len(table) + len(rejects), total)
    return table, rejects, counts


def _first_pass(
    export: Export, mapping: MapFile, structured: dict[str, PiiKind], ps: Pseudonymiser,
    progress: Progress,
) -> tuple[NameIndex, int]:  # fmt: skip
    """Rows counted, every real value observed, structured values prepared in token order,
    names indexed.

    Free text is observed here too, before any fake is handed out: fakes come from the same
    tables real names do, so a fake issued early could otherwise equal a real name met later,
    which the residual scan (rightly) cannot tell from a leak.
    """
    spec = mapping.spec
    columns = {name: spec.columns[name].column for name in structured if spec.columns[name].column}
    texts = [column for name in spec.pii.free_text if (column := spec.columns[name].column)]
    order = re.compile(spec.pii.order_number) if spec.pii.order_number else None
    seen: dict[PiiKind, set[str]] = {}
    rows = 0
    for _, row in export.rows:
        rows += 1
        if rows % _EVERY == 0:
            progress("read", rows, 0)
        for name, column in columns.items():
            value = row.get(column or "", "")
            if value.strip():
                seen.setdefault(structured[name], set()).add(value)
        for column in texts:
            text = row.get(column, "")
            if text:
                ps.observe_text(text, order_pattern=order)
    names = NameIndex(seen.get(PiiKind.NAME, ()))
    for kind in sorted(seen):
        ps.prepare(kind, sorted(seen[kind]))
    return names, rows


def customer_keys(frame: pd.DataFrame) -> set[str]:
    """The well-formed customer keys of a ticket table. They are opaque tokens the anonymiser
    issued, so digit runs inside them (``cust_3f81920455a1c0de``) are not personal data."""
    if "customer_key" not in frame.columns:
        return set()
    keys = frame["customer_key"].dropna().astype(str)
    return set(keys[keys.str.fullmatch(_CUSTOMER_KEY)])


def _scan(parquet: Path, ps: Pseudonymiser, lines: list[int]) -> ScanReport:
    """Scan the bytes on disk, not the frame in memory; rows reported as export row numbers."""
    import pandas as pd

    from harness.data.residual import scan_frame

    frame = pd.read_parquet(parquet)
    issued = ps.issued | customer_keys(frame)
    report = scan_frame(frame, inventory=ps.inventory(), issued=issued)
    report.leaks = [replace(leak, row=lines[leak.row]) for leak in report.leaks]
    return report
