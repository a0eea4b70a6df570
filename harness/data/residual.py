"""Prove an anonymised table holds no real personal data; report where, never what.

Pseudonyms are format-valid by design, so "the detectors find nothing" is the wrong test. Two
checks instead (reference section 3):

* **exact**: every real value the anonymiser saw (its in-memory inventory, as written, normalised
  and digits-only) is searched for in every cell with one Aho-Corasick automaton, also with the
  separators between digits removed (``138 0013 8000`` finds ``13800138000``). A real number of
  7-10 digits counts only where no digit or ASCII letter touches it, and one of 5-6 digits only
  as a whole cell: otherwise an 8-digit QQ number turns up inside unrelated tracking numbers and
  a 6-digit one as a SKU (the paranoid detector still flags bare 5-11 digit numbers in text).
  ``digit_substrings=7`` adds every 7-digit piece of a real number, unbounded (canary tests;
  too noisy for a large inventory).
* **detector**: :func:`find_pii` in paranoid mode; each hit must be a pseudonym that was issued,
  lie inside one (a postcode inside a fake address), or be allowed by ``allow`` or by one of
  the user's ``rules`` (:mod:`harness.data.rules`; never for an exact match).

A real value that lies inside a longer issued pseudonym (the real 王伟 inside the fake 王伟华)
is not a leak; a real value *equal* to an issued pseudonym is (see ``Pseudonymiser.clashes``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import ahocorasick

from harness.data.pii import Hit, PiiKind, digits_only, find_pii, fold_fullwidth, normalise
from harness.data.pii_patterns import ADDRESS_DETAIL
from harness.data.scan_report import Leak, ScanReport, add_report
from harness.data.shards import map_chunks

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from harness.data.rules import AllowRules

__all__ = ["Leak", "ScanReport", "Scanner", "add_report", "scan_frame"]

_SPLIT_DIGITS: Final[re.Pattern[str]] = re.compile(r"(?<=[0-9])[ -]+(?=[0-9])")
_NUMBER: Final[re.Pattern[str]] = re.compile(r"[0-9 ()+\-]*[0-9][0-9 ()+\-]*")
BOUNDED_BELOW: Final[int] = 11  # shorter real numbers count only where nothing alnum touches
WHOLE_CELL_BELOW: Final[int] = 7  # shorter real numbers count only as a whole cell


class _Reals:
    """Automaton of real values; ``find`` gives every ``(start, end, kind)`` match, overlaps too."""

    def __init__(self, inventory: Iterable[str], digit_substrings: int | None) -> None:
        self._automaton = ahocorasick.Automaton()
        self._whole: set[str] = set()  # short numbers: a leak only as a whole cell
        self._words: set[str] = set()  # everything searched for
        self._numbers = False
        self._bounded_below = min(BOUNDED_BELOW, digit_substrings or BOUNDED_BELOW)
        for value in inventory:
            folded = fold_fullwidth(value).strip()
            if len(folded) >= 2 and not (folded.isascii() and len(folded) < 4):
                self._add(folded, _label(folded))
            if not _NUMBER.fullmatch(folded):
                continue  # the digits of an address or a WeChat id are no number of anyone's
            digits = digits_only(folded)
            if len(digits) >= 5 and digits != folded:
                self._add(digits, "number")
            if digit_substrings and len(digits) > digit_substrings:
                for i in range(len(digits) - digit_substrings + 1):
                    self._add(digits[i : i + digit_substrings], "number")
        self.empty = not self._whole and len(self._automaton) == 0
        if len(self._automaton):
            self._automaton.make_automaton()

    def whole(self, folded: str) -> bool:
        """Whether the cell is exactly one real value."""
        return folded.strip() in self._words

    def _add(self, word: str, kind: str) -> None:
        self._words.add(word)
        if kind == "number" and sum(c.isdigit() for c in word) < WHOLE_CELL_BELOW:
            self._whole.add(word)
        elif word not in self._automaton:
            self._automaton.add_word(word, (len(word), kind))
            self._numbers = self._numbers or kind == "number"

    def find(self, folded: str) -> list[tuple[int, int, str]]:
        spans = self._spans(folded, None) if len(self._automaton) else []
        stripped = folded.strip()
        if stripped in self._whole:
            start = folded.index(stripped)
            spans.append((start, start + len(stripped), "number"))
        if self._numbers and _SPLIT_DIGITS.search(folded):
            drop = {i for m in _SPLIT_DIGITS.finditer(folded) for i in range(*m.span())}
            index = [i for i in range(len(folded)) if i not in drop]
            joined = "".join(folded[i] for i in index)
            spans += self._spans(joined, index)
        return spans

    def _spans(self, text: str, index: list[int] | None) -> list[tuple[int, int, str]]:
        spans = []
        for last, (size, kind) in self._automaton.iter(text):
            start = last - size + 1
            if kind == "number" and size < self._bounded_below and _glued(text, start, last + 1):
                continue
            if index is None:
                spans.append((start, last + 1, kind))
            elif kind == "number":
                spans.append((index[start], index[last] + 1, kind))
        return spans


def _label(value: str) -> str:
    if _NUMBER.fullmatch(value):
        return "number"
    return "email" if "@" in value else "text"


def _glued(text: str, start: int, end: int) -> bool:
    """Whether a digit or an ASCII letter touches ``text[start:end]`` (``SKU737663``)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans):
        if merged and start < merged[-1][1]:
            s, e, k = merged[-1]
            merged[-1] = (s, max(e, end), k)
        else:
            merged.append((start, end, kind))
    return merged


class _Fakes:
    """The issued pseudonyms: a set for whole-hit checks, an automaton (built on first need)
    for "lies inside a longer pseudonym"."""

    def __init__(self, issued: Collection[str]) -> None:
        self._issued = issued if isinstance(issued, set | frozenset) else frozenset(issued)
        self._automaton: ahocorasick.Automaton | None = None

    def whole(self, folded: str) -> bool:
        """Whether the cell is exactly one issued pseudonym."""
        return folded in self._issued

    def known(self, hit: Hit) -> bool:
        value = hit.value
        return (
            value in self._issued
            or normalise(hit.kind, value) in self._issued
            or digits_only(value) in self._issued
        )

    def spans(self, folded: str) -> list[tuple[int, int]]:
        if self._automaton is None:
            self._automaton = ahocorasick.Automaton()
            for fake in self._issued:
                folded_fake = fold_fullwidth(fake)
                if len(folded_fake) >= 2 and folded_fake not in self._automaton:
                    self._automaton.add_word(folded_fake, len(folded_fake))
            if len(self._automaton):
                self._automaton.make_automaton()
        if not len(self._automaton):
            return []
        return [(last - size + 1, last + 1) for last, size in self._automaton.iter(folded)]


def _inside(start: int, end: int, fakes: list[tuple[int, int]], *, longer: bool) -> bool:
    """Whether ``[start, end)`` lies inside an issued pseudonym (strictly longer if ``longer``)."""
    size = end - start
    return any(fs <= start and end <= fe and (fe - fs > size or not longer) for fs, fe in fakes)


def _fake_in_context(folded: str, hit: Hit, fakes: list[tuple[int, int]]) -> bool:
    """Whether an address hit is an issued fake address plus plain words around it.

    An address has no crisp left edge (``麻烦改成王路256号`` reads as a street named 烦改成王),
    so the detector's span may take in the words before a fake. It is still the fake if the rest
    of the span holds no digit and no street, number or building: nothing that locates anyone.
    """
    for start, end in fakes:
        if hit.start <= start and end <= hit.end and end - start >= 4:
            rest = folded[hit.start : start] + folded[end : hit.end]
            if not _LOCATING.search(rest):
                return True
    return False


_LOCATING: Final[re.Pattern[str]] = re.compile(r"[0-9]|" + ADDRESS_DETAIL.pattern)
_Found = tuple[tuple[int, str], ...]  # (offset, kind) in one cell
_SLICE: Final[int] = 20_000  # cells per piece of work when the scan runs in processes
_MEMO: Final[int] = 100_000  # cell verdicts remembered before starting afresh


@dataclass(frozen=True, slots=True)
class _Verdict:
    """What the scan finds in one cell text; the same wherever that text occurs."""

    exact: _Found = ()
    detector_hits: int = 0
    unknown: _Found = ()
    cleared: tuple[int, ...] = ()  # the rule that cleared each allowed hit


_CLEAN: Final[_Verdict] = _Verdict()


class Scanner:
    """Both checks for one inventory and one set of issued pseudonyms, cell by cell.

    A cell text met before (a status, an agent, a repeated template) is judged once.
    """

    def __init__(
        self,
        *,
        inventory: Iterable[str] = (),
        issued: Collection[str] = (),
        allow: Callable[[Hit], bool] | None = None,
        rules: AllowRules | None = None,
        digit_substrings: int | None = None,
        max_leaks: int = 1000,
    ) -> None:
        self._reals = _Reals(inventory, digit_substrings)
        self._fakes = _Fakes(issued)
        self._allow = allow
        self._rules = rules or None
        self.max_leaks = max_leaks
        self._memo: dict[str, _Verdict] = {}

    def ready(self) -> None:
        """Build everything built lazily, so forked workers do not each build it."""
        self._fakes.spans("")

    def scan(self, column: str, cells: Iterable[object], first_row: int = 0) -> ScanReport:
        """Every string (and integer) cell of ``cells``, the first being row ``first_row``."""
        report = ScanReport()
        for row, cell in enumerate(cells, first_row):
            verdict = self._verdict(cell)
            if verdict is not None:
                report.cells += 1
                if verdict is not _CLEAN:
                    self._record(report, verdict, row, column)
        return report

    def scan_coded(
        self, column: str, values: Sequence[object], codes: npt.NDArray[np.int64],
        first_row: int = 0,
    ) -> ScanReport:  # fmt: skip
        """``scan(column, [values[c] for c in codes])`` (a negative code: no value), each distinct
        value judged once: a column chunk dictionary-encoded, as Arrow does it in C."""
        import numpy as np

        counts = np.bincount(codes[codes >= 0], minlength=len(values))
        report = ScanReport()
        dirty: list[tuple[int, _Verdict]] = []
        for code, value in enumerate(values):
            verdict = self._verdict(value) if counts[code] else None
            if verdict is not None:
                report.cells += int(counts[code])
                if verdict is not _CLEAN:
                    dirty.append((code, verdict))
        rows = [(int(r), verdict) for code, verdict in dirty for r in np.flatnonzero(codes == code)]
        for row, verdict in sorted(rows, key=lambda item: item[0]):  # leaks in row order
            self._record(report, verdict, first_row + row, column)
        return report

    def _verdict(self, cell: object) -> _Verdict | None:
        """The verdict on one cell; None for a cell the scan does not read (empty, no text)."""
        if isinstance(cell, str):
            text = cell
        elif isinstance(cell, int) and not isinstance(cell, bool):
            text = str(cell)
        else:
            return None
        if not text:
            return None
        verdict = self._memo.get(text)
        if verdict is None:
            verdict = self._judge(text)
            if len(self._memo) >= _MEMO:
                self._memo.clear()
            self._memo[text] = verdict
        return verdict

    def _record(self, report: ScanReport, verdict: _Verdict, row: int, column: str) -> None:
        report.exact_hits += len(verdict.exact)
        report.detector_hits += verdict.detector_hits
        report.unknown_hits += len(verdict.unknown)
        for rule in verdict.cleared:
            report.cleared[rule] = report.cleared.get(rule, 0) + 1
        room = self.max_leaks - len(report.leaks)
        if room > 0:
            found = [Leak("exact", kind, row, column, at) for at, kind in verdict.exact]
            found += [Leak("detector", kind, row, column, at) for at, kind in verdict.unknown]
            report.leaks += found[:room]

    def _judge(self, text: str) -> _Verdict:
        reals, fakes = self._reals, self._fakes
        folded = fold_fullwidth(text)
        if fakes.whole(folded) and not reals.whole(folded):
            return _CLEAN  # a structured cell holding exactly one pseudonym: nothing else in it
        fake_spans: list[tuple[int, int]] | None = None
        exact: _Found = ()
        found = reals.find(folded) if not reals.empty else []
        if found:
            fake_spans = fakes.spans(folded)
            kept = [f for f in found if not _inside(f[0], f[1], fake_spans, longer=True)]
            exact = tuple((start, kind) for start, _end, kind in _merge(kept))
        hits = find_pii(text, paranoid=True)
        unknown: list[tuple[int, str]] = []
        cleared: list[int] = []
        for hit in hits:
            if fakes.known(hit) or (self._allow is not None and self._allow(hit)):
                continue
            if fake_spans is None:
                fake_spans = fakes.spans(folded)
            if _inside(hit.start, hit.end, fake_spans, longer=False):
                continue
            if hit.kind is PiiKind.ADDRESS and _fake_in_context(folded, hit, fake_spans):
                continue
            rule = self._rules.clears(hit, folded) if self._rules is not None else None
            if rule is None:
                unknown.append((hit.start, hit.kind.value))
            else:
                cleared.append(rule)
        if not exact and not hits:
            return _CLEAN
        return _Verdict(exact, len(hits), tuple(unknown), tuple(cleared))


def scan_frame(
    frame: pd.DataFrame,
    *,
    inventory: Iterable[str] = (),
    issued: Collection[str] = (),
    allow: Callable[[Hit], bool] | None = None,
    rules: AllowRules | None = None,
    columns: Sequence[str] | None = None,
    digit_substrings: int | None = None,
    max_leaks: int = 1000,
    jobs: int = 1,
) -> ScanReport:
    """Scan every string (and integer) cell of ``frame`` (or of ``columns``); see module doc.

    With ``jobs > 1`` slices of the columns are scanned in forked processes; the report is the
    same, leaks in the same order (column by column, row by row).
    """
    scanner = Scanner(inventory=inventory, issued=issued, allow=allow, rules=rules,
                      digit_substrings=digit_substrings, max_leaks=max_leaks)  # fmt: skip
    names = list(columns) if columns is not None else [str(c) for c in frame.columns]
    # time columns hold neither strings nor integers: nothing to scan, and slow to list
    names = [n for n in names if frame[n].dtype.kind not in "mM"]
    cells = {name: frame[name].tolist() for name in names}
    work = [(name, start) for name in names for start in range(0, len(cells[name]), _SLICE)]
    if jobs > 1 and len(work) > 1:
        scanner.ready()
    report = ScanReport()
    for part in map_chunks(_scan_slice, (scanner, cells), work, jobs):
        add_report(report, part, max_leaks)
    return report


def _scan_slice(
    state: tuple[Scanner, dict[str, list[object]]], piece: tuple[str, int]
) -> ScanReport:
    scanner, cells = state
    name, start = piece
    return scanner.scan(name, cells[name][start : start + _SLICE], start)
