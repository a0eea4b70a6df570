"""What ``anonymise`` writes, and how: every file through a hidden temporary file and a rename.

For ``--out fixtures/shop.parquet``:

- ``shop.parquet``: the canonical ticket table; exists only after a clean residual scan;
- ``shop.unverified.parquet``: instead of it when the scan found leaks (never both);
- ``shop.rejects.csv``: UTF-8 with BOM (Excel opens it), columns ``row, field, reason``;
- ``shop.meta.json``: counts, key id, source file name, encoding, scan counts, created_at;
- ``shop.registry.json``: token -> pseudonym (no real values), for ``csm-harness scan`` and for
  keeping assignments stable across later exports.

The table is written as it is made (:class:`TableWriter`, a row group at a time), so memory does
not grow with the row count. The Parquet bytes depend on the data only (pyarrow writes no
timestamps, row groups are cut by row count), so runs compare byte for byte. pandas and pyarrow
load on first use: a refused export fails fast.
"""

from __future__ import annotations

import bisect
import csv
import functools
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from harness.config.loader import display_path
from harness.data.schema import TICKET_COLUMNS
from harness.errors import ConfigError

if TYPE_CHECKING:
    import pyarrow as pa

    from harness.data.anonymise import AnonymiseResult

__all__ = [
    "ROW_GROUP", "Paths", "RowNumbers", "Table", "TableWriter", "publish", "ticket_schema",
    "write_meta", "write_registry",
]  # fmt: skip

FORMAT: Final[str] = "csm-harness/anonymised-tickets"


@dataclass(frozen=True, slots=True)
class Paths:
    parquet: Path
    unverified: Path
    rejects: Path
    meta: Path
    registry: Path
    partial: Path

    @classmethod
    def for_out(cls, out: Path) -> Paths:
        if out.suffix.lower() != ".parquet":
            raise ConfigError(f"--out {out}: give a file name ending in .parquet.")
        if not out.parent.is_dir():
            raise ConfigError(f"--out {out}: folder {display_path(out.parent)} does not exist.")
        stem = out.parent / out.stem
        return cls(
            parquet=out,
            unverified=stem.with_name(out.stem + ".unverified.parquet"),
            rejects=stem.with_name(out.stem + ".rejects.csv"),
            meta=stem.with_name(out.stem + ".meta.json"),
            registry=stem.with_name(out.stem + ".registry.json"),
            partial=out.with_name(f".{out.name}.partial"),
        )

    @classmethod
    def for_parquet(cls, parquet: Path) -> Paths:
        """The sidecars of an existing output, ``.unverified.parquet`` or not."""
        name = parquet.name.removesuffix(".parquet").removesuffix(".unverified")
        return cls.for_out(parquet.with_name(name + ".parquet"))


class Table:
    """Rows gathered (in a worker), then one Arrow batch of the ticket schema."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self.lines: list[int] = []  # export row number of each output row

    def __len__(self) -> int:
        return len(self.lines)

    def add(self, line: int, values: dict[str, object], customer_key: str | None) -> None:
        """One row: ``values`` by canonical field (a missing one is null); taken, not copied."""
        self.lines.append(line)
        values["customer_key"] = customer_key
        self.rows.append(values)

    def batch(self) -> pa.RecordBatch:
        """The rows as one batch of :func:`ticket_schema` (times: naive UTC, None is null),
        converted by Arrow in C, not cell by cell in Python."""
        import pyarrow as pa

        schema = ticket_schema()
        rows = pa.array(self.rows, type=pa.struct(list(schema)))
        return pa.RecordBatch.from_struct_array(rows).replace_schema_metadata(schema.metadata)


@functools.cache
def ticket_schema() -> pa.Schema:
    """The Arrow schema of the ticket table, with the pandas metadata ``pd.read_parquet`` reads
    :data:`TICKET_COLUMNS`' dtypes back from (taken from an empty frame of those dtypes)."""
    import pandas as pd
    import pyarrow as pa

    empty = pd.DataFrame({n: pd.Series([], dtype=dtype) for n, dtype in TICKET_COLUMNS.items()})
    return pa.Table.from_pandas(empty, preserve_index=False).schema


class RowNumbers:
    """The export row number of each table row, kept as runs ``[first table row, first export
    row, length]`` (rows mostly follow one another, so a million rows take a few runs)."""

    def __init__(self) -> None:
        self.runs: list[list[int]] = []
        self._firsts: list[int] = []
        self.rows = 0

    def extend(self, lines: Iterable[int]) -> None:
        runs = self.runs
        for line in lines:
            if runs and runs[-1][1] + runs[-1][2] == line:
                runs[-1][2] += 1
            else:
                runs.append([self.rows, line, 1])
                self._firsts.append(self.rows)
            self.rows += 1

    def __getitem__(self, row: int) -> int:
        first, line, _length = self.runs[bisect.bisect_right(self._firsts, row) - 1]
        return line + row - first


ROW_GROUP: Final[int] = 65_536  # rows per Parquet row group: the unit of writing and scanning


class TableWriter:
    """The ticket table written to ``path`` as it comes, a row group at a time, with the export
    row number of each row in the file's metadata (:data:`ROWS_KEY`, written on :meth:`close`).
    Row groups are cut every :data:`ROW_GROUP` rows whatever the batches were, so the bytes
    depend on the rows only."""

    def __init__(self, path: Path) -> None:
        import pyarrow.parquet as pq

        self.numbers = RowNumbers()
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self._writer = pq.ParquetWriter(path, ticket_schema(), compression="zstd")

    @property
    def rows(self) -> int:
        return self.numbers.rows

    def write(self, batch: pa.RecordBatch, lines: list[int]) -> None:
        self.numbers.extend(lines)
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        while self._pending_rows >= ROW_GROUP:
            self._flush(ROW_GROUP)

    def _flush(self, rows: int) -> None:
        import pyarrow as pa

        table = pa.Table.from_batches(self._pending, schema=ticket_schema())
        self._writer.write_table(table.slice(0, rows), row_group_size=rows)
        rest = table.slice(rows)
        self._pending = rest.to_batches() if rest.num_rows else []
        self._pending_rows = rest.num_rows

    def close(self) -> None:
        if self._pending_rows:
            self._flush(self._pending_rows)
        runs = json.dumps(self.numbers.runs, separators=(",", ":")).encode("ascii")
        self._writer.add_key_value_metadata({ROWS_KEY: runs})
        self._writer.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._writer.close()  # a failed run: the partial file is deleted by the caller


def _atomic_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding=encoding, newline="")
    os.replace(partial, path)


ROWS_KEY: Final[bytes] = b"csm_harness.rows"  # export row number of each table row


def read_row_numbers(parquet: Path) -> list[int] | None:
    """The export row number of each row of a table ``anonymise`` wrote; None for a table
    without them (written by something else, or before they were recorded)."""
    import pyarrow.parquet as pq

    meta = pq.read_metadata(parquet).metadata or {}
    if ROWS_KEY not in meta:
        return None
    lines: list[int] = []
    for _first, line, length in json.loads(meta[ROWS_KEY]):
        lines.extend(range(line, line + length))
    return lines


def publish(written: Path, paths: Paths, *, verified: bool) -> None:
    """Rename the scanned file into place; drop the other variant, which is now stale."""
    final, stale = (paths.parquet, paths.unverified) if verified else (paths.unverified,
                                                                         paths.parquet)  # fmt: skip
    os.replace(written, final)
    stale.unlink(missing_ok=True)


def write_rejects(path: Path, rejects: Iterable[tuple[int, str, str]]) -> None:
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["row", "field", "reason"])
        writer.writerows(rejects)
    os.replace(partial, path)


def write_registry(path: Path, key_id: str, registry: dict[str, str]) -> None:
    document = {
        "format": "csm-harness/pseudonym-registry",
        "key_id": key_id,
        "note": "HMAC token -> pseudonym. Holds no real values; useless without the key.",
        "pseudonyms": dict(sorted(registry.items())),
    }
    _atomic_text(path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")


def read_registry(path: Path) -> tuple[str, frozenset[str]]:
    """``(key_id, pseudonyms)`` of a registry file; ConfigError when it is not one."""
    shown = display_path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such registry file.") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{shown}: not a registry written by anonymise ({exc}).") from None
    if not isinstance(document, dict) or not isinstance(document.get("pseudonyms"), dict):
        raise ConfigError(f"{shown}: not a registry written by anonymise (no 'pseudonyms').")
    return str(document.get("key_id", "")), frozenset(map(str, document["pseudonyms"].values()))


def write_meta(path: Path, result: AnonymiseResult, *, source: str, map_name: str) -> None:
    scan = result.scan
    document = {
        "format": FORMAT,
        "verified": result.verified,
        "parquet": result.parquet.name,
        "key_id": result.key_id,
        "source": {"file": source, "format": result.source_format, "encoding": result.encoding},
        "map": map_name,
        "dropped_columns": result.dropped,
        "rows": {"in": result.rows_in, "out": result.rows_out, "rejected": result.rejects},
        "rejects_by_reason": result.reasons,
        "pii": {"structured_cells": result.structured, "replaced_in_text": result.in_text},
        "scan": {
            "ok": scan.ok,
            "cells": scan.cells,
            "exact_hits": scan.exact_hits,
            "detector_hits": scan.detector_hits,
            "unknown_hits": scan.unknown_hits,
        },
        "allow_rules": result.rules,
        "deidentification": "去标识化 (PIPL Art. 73): keyed pseudonyms; whoever holds the key "
        "can link them, so the data stays personal information while the key exists.",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _atomic_text(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
