"""The two passes of :func:`harness.data.anonymise.anonymise`, spread over processes.

**Pass one** (:func:`observe`) reads every row in order: structured PII values are collected,
and each *distinct* free text is sent once to :func:`~harness.data.pii.find_pii` (in worker
processes, :mod:`harness.data.shards`). Its hits are observed as real values and kept, as
``(kind, start, end)``, for pass two. Every value met (in a column or in any text) joins the
known-value index, so pass two replaces it wherever else it occurs: a name after ``我叫`` in
one sentence is also replaced after ``此致`` in the next, where no detector would see it.
Then, still in this process and before any per-row work:
the structured values and every value found in text get their pseudonyms, kind by kind in
token order (:meth:`~harness.data.pseudonyms.Pseudonymiser.prepare`). Every fake is therefore
fixed before pass two starts, and independent of the row order and of the number of processes.

**Pass two** (:func:`rewrite`) reads the rows again and hands chunks of them to workers, which
map each row (:mod:`harness.data.rows`), replace structured values and the kept hits plus the
known names (:func:`~harness.data.pii.add_names`), without detecting again and without
assigning anything: a value pass one did not see means the file changed between the passes,
which is an error. Each worker hands back its chunk as an Arrow batch; chunks come back in
order and go straight to the :class:`~harness.data.outputs.TableWriter`, so the table is the one a
single process writes and is never held whole in memory.

Free texts that repeat (templates, "same as above") are detected and replaced once per process.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from harness.data import outputs
from harness.data.columns import ColumnMap
from harness.data.io import PROBLEM, Export
from harness.data.pii import Hit, NameIndex, PiiKind, add_names, find_pii
from harness.data.rows import Reject, RowReader
from harness.data.shards import map_chunks
from harness.errors import HarnessError

if TYPE_CHECKING:
    import pyarrow as pa

    from harness.data.pseudonyms import Pseudonymiser

__all__ = ["CHUNK", "Changed", "observe", "rewrite"]

Progress = Callable[[str, int, int], None]
Spans = tuple[tuple[PiiKind, int, int], ...]  # the hits of one text, as (kind, start, end)
Rejects = list[tuple[int, str, str]]
CHUNK: Final[int] = 2000  # rows (or distinct texts) per piece of work
_MEMO: Final[int] = 100_000  # replaced texts remembered per process before starting afresh


class Changed(HarnessError):
    """Pass two met a row or value pass one did not: the file changed while it was read."""


def observe(
    export: Export, spec: ColumnMap, structured: dict[str, PiiKind], ps: Pseudonymiser,
    progress: Progress, jobs: int,
) -> tuple[NameIndex, dict[str, Spans], int]:  # fmt: skip
    """Rows counted, every real value observed, names indexed, every pseudonym assigned.

    Free text is observed before any fake is handed out: fakes come from the same tables real
    names do, so a fake issued early could otherwise equal a real name met later, which the
    residual scan (rightly) cannot tell from a leak.
    """
    columns = {name: c for name in structured if (c := spec.columns[name].column)}
    texts = [column for name in spec.pii.free_text if (column := spec.columns[name].column)]
    order = re.compile(spec.pii.order_number) if spec.pii.order_number else None
    seen: dict[PiiKind, set[str]] = {}
    found: dict[str, Spans] = {}
    sent: deque[list[str]] = deque()  # batches in flight, oldest first
    rows = 0
    constants = {name: value for name in (*structured, *spec.pii.free_text)
                 if (value := spec.columns[name].value) is not None}  # fmt: skip
    for name, value in constants.items():  # ``{value: ...}``: the same on every row
        if name in structured and value.strip():
            seen.setdefault(structured[name], set()).add(value)

    def batches() -> Iterator[list[str]]:
        nonlocal rows
        batch = [text for name, text in constants.items() if name not in structured]
        found.update(dict.fromkeys(batch, ()))
        for _, row in export.rows:
            rows += 1
            if rows % CHUNK == 0:
                progress("read", rows, 0)
            for name, column in columns.items():
                value = row.get(column, "")
                if value.strip():
                    seen.setdefault(structured[name], set()).add(value)
            for column in texts:
                text = row.get(column, "")
                if text and text not in found:
                    found[text] = ()  # claimed: a repeat in this batch is not sent again
                    batch.append(text)
            if len(batch) >= CHUNK:
                sent.append(batch)
                yield batch
                batch = []
        if batch:
            sent.append(batch)
            yield batch

    in_text: dict[PiiKind, set[str]] = {}
    for spans in map_chunks(_detect, order, batches(), jobs):
        for text, hits in zip(sent.popleft(), spans, strict=True):
            found[text] = hits
            for kind, start, end in hits:
                in_text.setdefault(kind, set()).add(text[start:end])
    for kind, values in in_text.items():
        for value in values:
            ps.observe(kind, value)
    names = NameIndex()
    for kind, values in (*sorted(seen.items()), *sorted(in_text.items())):
        for value in sorted(values):
            names.add(value, kind)
    for kind in sorted(seen):
        ps.prepare(kind, sorted(seen[kind]), jobs)
    for kind in sorted(in_text):  # after the columns, which keep the fakes they always had
        ps.prepare(kind, sorted(in_text[kind]), jobs)
    return names, found, rows


def _detect(order: re.Pattern[str] | None, texts: list[str]) -> list[Spans]:
    return [
        tuple((hit.kind, hit.start, hit.end) for hit in find_pii(text, order_pattern=order))
        for text in texts
    ]


@dataclass
class Mapped:
    """One chunk of pass two: kept rows, rejects, counts, and pseudonyms as written into text."""

    table: outputs.Table = field(default_factory=outputs.Table)  # sent back as ``batch``
    batch: pa.RecordBatch | None = None
    keys: set[str] = field(default_factory=set)  # customer keys given out
    rejects: Rejects = field(default_factory=list)
    structured: int = 0
    in_text: int = 0
    shown: set[str] = field(default_factory=set)
    changed: bool = False


@dataclass
class _Rewriter:
    """What a worker needs for pass two; inherited through the fork, never pickled."""

    spec: ColumnMap
    structured: dict[str, PiiKind]
    ps: Pseudonymiser
    names: NameIndex
    found: dict[str, Spans]
    reader: RowReader = field(init=False)
    key_columns: list[tuple[str, PiiKind]] = field(init=False)
    memo: dict[str, tuple[str, int]] = field(default_factory=dict)  # text -> replaced, count
    keys: dict[tuple[PiiKind, str], str] = field(default_factory=dict)  # value -> customer key

    def __post_init__(self) -> None:
        spec = self.spec
        pii = frozenset(self.structured) | set(spec.pii.free_text)
        self.reader = RowReader(spec, pii_fields=pii)
        self.key_columns = [
            (column, self.structured[name])
            for name in spec.key_fields()
            if (column := spec.columns[name].column) is not None
        ]

    def chunk(self, rows: list[tuple[int, dict[str, str]]]) -> Mapped:
        out = Mapped()
        ps, read, assigned = self.ps, self.reader.read, self.ps.assigned
        structured = list(self.structured.items())
        free_text = self.spec.pii.free_text
        for line, row in rows:
            if PROBLEM in row:  # the reader could not split this record
                out.rejects.append((line, "", row[PROBLEM]))
                continue
            try:
                values = read(row)
            except Reject as rejected:
                out.rejects.append((line, rejected.field, rejected.reason))
                continue
            for name, kind in structured:
                raw = values.get(name)
                if isinstance(raw, str) and raw.strip():
                    values[name] = ps.pseudonym(kind, raw)
                    out.structured += 1
            for name in free_text:
                raw = values.get(name)
                if isinstance(raw, str) and raw:
                    values[name], replaced = self._text(raw, out)
                    out.in_text += replaced
            key = self._key(row)
            out.table.add(line, values, key)
            if key is not None:
                out.keys.add(key)
        out.changed = out.changed or ps.assigned != assigned
        out.batch = out.table.batch()
        out.table.rows.clear()  # the batch holds them: nothing sent twice
        return out

    def _key(self, row: dict[str, str]) -> str | None:
        """The customer key from the first non-blank key column."""
        for column, kind in self.key_columns:
            value = row[column]
            if value.strip():
                key = self.keys.get((kind, value))
                if key is None:
                    if len(self.keys) >= _MEMO:
                        self.keys.clear()
                    key = self.keys[(kind, value)] = self.ps.customer_key(kind, value)
                return key
        return None

    def _text(self, text: str, out: Mapped) -> tuple[str, int]:
        done = self.memo.get(text)
        if done is not None:
            return done
        spans = self.found.get(text)
        if spans is None:
            out.changed = True
            return "", 0
        hits = [Hit(kind, start, end, text[start:end]) for kind, start, end in spans]
        new, count, shown = self.ps.render_hits(text, add_names(text, hits, self.names))
        out.shown.update(shown)
        if len(self.memo) >= _MEMO:
            self.memo.clear()
        self.memo[text] = (new, count)
        return new, count


def rewrite(
    export: Export, spec: ColumnMap, structured: dict[str, PiiKind], ps: Pseudonymiser,
    names: NameIndex, found: dict[str, Spans], progress: Progress, total: int, jobs: int,
    writer: outputs.TableWriter,
) -> tuple[Rejects, Counter[str], set[str]]:  # fmt: skip
    """Every row into ``writer`` or the rejects: ``writer.rows + len(rejects)`` rows read.
    Also returns the customer keys given out."""
    outputs.ticket_schema()  # built once, before the fork
    rewriter = _Rewriter(spec, structured, ps, names, found)
    rejects: Rejects = []
    counts = Counter[str]()
    keys: set[str] = set()
    for mapped in map_chunks(_Rewriter.chunk, rewriter, _chunks(export), jobs):
        if mapped.changed:
            raise Changed("a value not seen in the first pass")
        assert mapped.batch is not None
        writer.write(mapped.batch, mapped.table.lines)
        rejects.extend(mapped.rejects)
        keys |= mapped.keys
        counts["structured"] += mapped.structured
        counts["in_text"] += mapped.in_text
        ps.add_issued(mapped.shown)
        progress("anonymise", writer.rows + len(rejects), total)
    return rejects, counts, keys


def _chunks(export: Export) -> Iterator[list[tuple[int, dict[str, str]]]]:
    chunk: list[tuple[int, dict[str, str]]] = []
    for item in export.rows:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
