"""What ``anonymise`` writes, and how: every file through a hidden temporary file and a rename.

For ``--out fixtures/shop.parquet``:

- ``shop.parquet``: the canonical ticket table; exists only after a clean residual scan;
- ``shop.unverified.parquet``: instead of it when the scan found leaks (never both);
- ``shop.rejects.csv``: UTF-8 with BOM (Excel opens it), columns ``row, field, reason``;
- ``shop.meta.json``: counts, key id, source file name, encoding, scan counts, created_at;
- ``shop.registry.json``: token -> pseudonym (no real values), for ``csm-harness scan`` and for
  keeping assignments stable across later exports.

The Parquet bytes depend on the data only (pyarrow writes no timestamps), so runs compare
byte for byte. pandas loads on first use: a refused export fails fast.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from harness.config.loader import display_path
from harness.data.schema import TICKET_COLUMNS
from harness.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from harness.data.anonymise import AnonymiseResult

__all__ = ["Paths", "Table", "publish", "write_meta", "write_parquet", "write_registry"]

FORMAT: Final[str] = "csm-harness/anonymised-tickets"
_DATES: Final[tuple[str, ...]] = tuple(n for n, t in TICKET_COLUMNS.items() if "datetime" in t)


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
    """Rows gathered column by column, then one frame with exactly :data:`TICKET_COLUMNS`."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {name: [] for name in TICKET_COLUMNS}
        self.lines: list[int] = []  # export row number of each output row

    def __len__(self) -> int:
        return len(self.lines)

    def add(self, line: int, values: dict[str, object], customer_key: str | None) -> None:
        self.lines.append(line)
        for name, column in self.columns.items():
            column.append(customer_key if name == "customer_key" else values.get(name))

    def extend(self, other: Table) -> None:
        """Append ``other``'s rows (a chunk built elsewhere, e.g. in a worker process)."""
        self.lines += other.lines
        for name, column in self.columns.items():
            column += other.columns[name]

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        data: dict[str, pd.Series[Any]] = {}
        for name, dtype in TICKET_COLUMNS.items():
            values = self.columns[name]
            if name in _DATES:  # naive UTC; None is NaT (25x faster than through numpy)
                stamps = pd.DatetimeIndex(values, dtype="datetime64[ns]")
                data[name] = pd.Series(stamps.tz_localize("UTC"))
            else:
                data[name] = pd.Series(values, dtype=dtype)
        return pd.DataFrame(data)


def _atomic_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding=encoding, newline="")
    os.replace(partial, path)


ROWS_KEY: Final[bytes] = b"csm_harness.rows"  # export row number of each table row


def write_parquet(frame: pd.DataFrame, paths: Paths, lines: list[int] | None = None) -> Path:
    """The table, with the export row number of each of its rows (``lines``) in the file's
    metadata as runs ``[first table row, first export row, length]``: ``scan`` names a finding
    by the row number ``anonymise`` and the rejects file use."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if lines is not None:
        meta = dict(table.schema.metadata or {})
        meta[ROWS_KEY] = json.dumps(_runs(lines), separators=(",", ":")).encode("ascii")
        table = table.replace_schema_metadata(meta)
    pq.write_table(table, paths.partial, compression="zstd")
    return paths.partial


def _runs(lines: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i, line in enumerate(lines):
        if runs and runs[-1][1] + runs[-1][2] == line:
            runs[-1][2] += 1
        else:
            runs.append([i, line, 1])
    return runs


def read_row_numbers(parquet: Path) -> list[int] | None:
    """The export row number of each row of a table ``anonymise`` wrote; None for a table
    without them (written by something else, or before they were recorded)."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(parquet).metadata or {}
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
