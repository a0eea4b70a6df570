"""Anonymise a helpdesk export into the canonical ticket table, and prove it clean.

:func:`anonymise` reads the export twice (:mod:`harness.data.passes`). Pass one counts rows,
collects every structured PII value and every value found in free text, and assigns all their
pseudonyms in token order (``Pseudonymiser.prepare``: whatever the row order), and indexes the
names in name columns (a :class:`~harness.data.pii.NameIndex`, so a customer's name is found in
free text even without a cue word). Pass two maps each row (:mod:`harness.data.rows`),
pseudonymises structured PII, replaces PII in free text, and keys the customer; a row that
cannot be used goes to the rejects file with its row number, field and reason, never a value.
``rows_in == rows_out + rejects`` always. Detection in pass one, pass two and the scan run in
``jobs`` forked processes (:mod:`harness.data.shards`); the output is byte for byte the one a
single process writes.

The table is written, as pass two makes it, to a hidden temporary file beside ``out``, then read
back from disk and scanned (:func:`~harness.data.scan_table.scan_parquet` with the real values
seen and the pseudonyms issued), a column of a row group at a time: memory stays flat however
many rows the export has.
Only a clean scan renames it to ``out``; otherwise it is kept as ``<stem>.unverified.parquet``
and :class:`ResidualPiiFound` (exit code 1) says where the leaks are, never what they are. The
Parquet file is deterministic (no timestamps inside): the same export and key give the same
bytes. ``<stem>.meta.json`` (counts, key id, scan counts, created_at) and ``<stem>.registry.json``
(token -> pseudonym, no real values) sit beside it; the key itself is written nowhere.
``rules`` (:mod:`harness.data.rules`) clear detector hits the user vouches for; the rules used
and what each cleared are recorded in ``meta.json``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final

from harness.config.loader import display_path
from harness.data import outputs, passes
from harness.data.columns import MapFile, load_map
from harness.data.io import Encoding, Export, read_export
from harness.data.pii import PiiKind
from harness.data.rules import AllowRules, load_rules
from harness.data.shards import default_jobs
from harness.errors import ConfigError, HarnessError

if TYPE_CHECKING:  # pandas, Faker tables and the scanner load once the export is known good
    import pandas as pd

    from harness.data.pseudonyms import Pseudonymiser
    from harness.data.residual import ScanReport

__all__ = [
    "AnonymiseResult", "Progress", "ResidualPiiFound", "TooManyRejects", "anonymise",
    "customer_keys",
]  # fmt: skip

Progress = Callable[[str, int, int], None]  # (phase, rows done, rows in total or 0)
_CUSTOMER_KEY = r"cust_[0-9a-f]{16}"  # Pseudonymiser.customer_key
REJECT_WARN: Final[float] = 0.01  # a share of rows rejected above which the user is warned
REJECT_STOP: Final[float] = 0.20  # ... above which nothing is written without --accept-rejects


class TooManyRejects(HarnessError):
    """More than :data:`REJECT_STOP` of the rows could not be used, and that was not accepted."""

    exit_code: ClassVar[int] = 1


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
    rules: dict[str, object] | None = None  # the allow rules used, as meta.json records them
    dropped: list[str] = field(default_factory=list)  # export columns the map's drop: left out
    warnings: list[str] = field(default_factory=list)  # e.g. more than 1 % of the rows rejected

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
    jobs: int | None = None,
    rules_path: str | os.PathLike[str] | None = None,
    accept_rejects: bool = False,
) -> AnonymiseResult:
    """Anonymise ``export_path`` with the column map ``map_path`` into ``out_path`` (.parquet)
    in ``jobs`` processes (default: one per CPU core; the output does not depend on it).

    More than 1 % of the rows rejected gives a warning with the top reasons; more than 20 %
    stops before anything but the rejects file is written (:class:`TooManyRejects`), unless
    ``accept_rejects``: a map that misreads a column should not quietly lose half the export.
    """
    workers = default_jobs() if jobs is None else jobs
    if workers < 1:
        raise ConfigError(f"--jobs {workers}: give 1 or more processes.")
    paths = outputs.Paths.for_out(Path(out_path))
    mapping = load_map(map_path)
    rules = load_rules(rules_path)
    spec = mapping.spec
    opened = _open(export_path, mapping, encoding, sheet)
    dropped = mapping.check_export(opened.columns, display_path(export_path))
    progress = on_progress or (lambda phase, done, total: None)

    from harness.data.pseudonyms import Pseudonymiser

    ps = Pseudonymiser(key)
    structured = {name: PiiKind(kind) for name, kind in spec.pii.structured.items()}
    names, found, rows_in = passes.observe(opened, spec, structured, ps, progress, workers)
    if rows_in == 0:
        raise ConfigError(f"{display_path(export_path)}: a header but no rows; nothing to do.")

    again = _open(export_path, mapping, opened.encoding or "auto", sheet)
    try:
        try:
            with outputs.TableWriter(paths.partial) as writer:
                rejects, counts, keys = passes.rewrite(
                    again, spec, structured, ps, names, found, progress, rows_in, workers, writer
                )
        except passes.Changed:
            raise _changed(export_path, rows_in, "values the first read did not have") from None
        del found, names
        rows_out = writer.rows
        if rows_out + len(rejects) != rows_in:
            raise _changed(export_path, rows_in, str(rows_out + len(rejects)))
        reasons = Counter(f"{f}: {r}" if f else r for _, f, r in rejects)
        warning = _reject_rate(export_path, rows_in, len(rejects), reasons, lang)
        if warning and len(rejects) > REJECT_STOP * rows_in and not accept_rejects:
            outputs.write_rejects(paths.rejects, rejects)
            raise TooManyRejects(warning + "\n" + _stop_hint(paths, lang))

        progress("scan", rows_in, rows_in)
        scan = _scan(paths.partial, ps, keys, writer.numbers, workers, rules)
        result = AnonymiseResult(
            paths=paths, verified=scan.ok, rows_in=rows_in, rows_out=rows_out,
            rejects=len(rejects), key_id=ps.key_id, source_format=opened.format,
            encoding=opened.encoding, scan=scan, structured=counts["structured"],
            in_text=counts["in_text"], reasons=dict(reasons.most_common()),
            rules=rules.record(scan.cleared) if rules else None, dropped=dropped,
            warnings=[warning] if warning else [],
        )  # fmt: skip
        outputs.write_rejects(paths.rejects, rejects)
        outputs.write_registry(paths.registry, ps.key_id, ps.registry())
        outputs.write_meta(paths.meta, result, source=opened.name, map_name=Path(map_path).name)
        outputs.publish(paths.partial, paths, verified=scan.ok)
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


def _reject_rate(path: str | os.PathLike[str], rows: int, rejected: int, reasons: Counter[str],
                 lang: str) -> str | None:  # fmt: skip
    """The warning for more than :data:`REJECT_WARN` of the rows rejected, with the top reasons."""
    if rejected <= REJECT_WARN * rows:
        return None
    share = f"{rejected / rows:.1%}"
    top = "; ".join(f"{reason} ({count:,})" for reason, count in reasons.most_common(3))
    if lang.lower().startswith("zh"):
        return (f"{display_path(path)}：{rows:,} 行中拒绝了 {rejected:,} 行（{share}，超过 "
                f"{REJECT_WARN:.0%}）。主要原因：{top}")  # fmt: skip
    return (f"{display_path(path)}: {rejected:,} of {rows:,} rows rejected ({share}, more than "
            f"{REJECT_WARN:.0%}). Top reasons: {top}")  # fmt: skip


def _stop_hint(paths: outputs.Paths, lang: str) -> str:
    rejects = display_path(paths.rejects)
    if lang.lower().startswith("zh"):
        return (
            f"超过 {REJECT_STOP:.0%}，未写出输出表。每个被拒绝的行见 {rejects}；请修正列映射"
            "（时间格式、渠道取值……），或加 --accept-rejects 接受这些拒绝。"
        )
    return (
        f"That is more than {REJECT_STOP:.0%}, so no table was written. Every rejected row "
        f"is listed in {rejects}; fix the column map (time formats, channel values...) or "
        "pass --accept-rejects to keep the rows that could be used."
    )


def _open(path: str | os.PathLike[str], mapping: MapFile, encoding: str | None,
          sheet: str | None) -> Export:  # fmt: skip
    source = mapping.spec.source
    delimiter = "\t" if source.delimiter == "tab" else source.delimiter
    return read_export(
        path, encoding=encoding or source.encoding, sheet=sheet, delimiter=delimiter,
        map_sheet=source.sheet,
    )  # fmt: skip


def _changed(path: str | os.PathLike[str], rows: int, then: str) -> HarnessError:
    return HarnessError(
        f"{display_path(path)}: the file changed while it was read ({rows} rows, then {then}); "
        "run again on a copy."
    )


def customer_keys(frame: pd.DataFrame) -> set[str]:
    """The well-formed customer keys of a ticket table. They are opaque tokens the anonymiser
    issued, so digit runs inside them (``cust_3f81920455a1c0de``) are not personal data."""
    if "customer_key" not in frame.columns:
        return set()
    keys = frame["customer_key"].dropna().astype(str)
    return set(keys[keys.str.fullmatch(_CUSTOMER_KEY)])


def _scan(
    parquet: Path, ps: Pseudonymiser, keys: set[str], numbers: outputs.RowNumbers, jobs: int,
    rules: AllowRules,
) -> ScanReport:  # fmt: skip
    """Scan the bytes on disk, not the rows in memory; rows reported as export row numbers.
    The customer keys given out are opaque tokens, so digit runs inside them
    (``cust_3f81920455a1c0de``) are not personal data."""
    from harness.data.scan_table import scan_parquet

    issued = ps.issued | keys
    report = scan_parquet(parquet, inventory=ps.inventory(), issued=issued, rules=rules, jobs=jobs)
    report.leaks = [replace(leak, row=numbers[leak.row]) for leak in report.leaks]
    return report
