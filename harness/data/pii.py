"""Find personal data in Chinese ticket text and structured values; normalise and validate it.

:func:`find_pii` runs one compiled alternation (:mod:`harness.data.pii_patterns`; only the forms
the text can hold, e.g. no number patterns without five digits) over the full-width-folded text
and checks each candidate (:mod:`harness.data.validators`, re-exported here): GB 11643 MOD 11-2
check digit, a real birth date and a province code for resident IDs, Luhn for bank cards (or a
62-prefixed number right after 卡号/银行卡; never after 订单/单号/运单), cue words for QQ and
WeChat ids and for names.
Known names (harvested from structured columns into a :class:`NameIndex`) and the export's own
order numbers (``order_pattern``) come on top. Service numbers (400/800, 95xxx, 10086, 12315)
and RFC 2606 e-mail domains are never PII.

``paranoid=True`` is for proving an output clean, not for replacing: it skips the validators,
finds bare 15-digit IDs, any 7+ digit run after a phone/ID/card cue, and 5-11 digit numbers
without a QQ cue unless they read as an amount, a quantity, a date or a service number.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import ahocorasick

from harness.data import pii_patterns as pat
from harness.data.validators import (
    PROVINCES,
    digits_only,
    fold_fullwidth,
    id15_to_18,
    id_check_digit,
    is_example_email,
    is_service_number,
    is_valid_id,
    is_valid_uscc,
    luhn_complete,
    luhn_ok,
)

__all__ = [
    "PROVINCES",
    "Hit",
    "NameIndex",
    "PiiKind",
    "add_names",
    "digits_only",
    "find_pii",
    "fold_fullwidth",
    "id15_to_18",
    "id_check_digit",
    "is_example_email",
    "is_service_number",
    "is_valid_id",
    "is_valid_uscc",
    "luhn_complete",
    "luhn_ok",
    "normalise",
]


class PiiKind(StrEnum):
    ID = "id"
    PHONE = "phone"
    LANDLINE = "landline"
    CARD = "card"
    EMAIL = "email"
    QQ = "qq"
    WECHAT = "wechat"
    NAME = "name"
    ADDRESS = "address"
    ORDER = "order"
    PLATE = "plate"
    OPENID = "openid"


@dataclass(frozen=True, slots=True)
class Hit:
    """One piece of personal data: ``value == text[start:end]`` of the original text."""

    kind: PiiKind
    start: int
    end: int
    value: str


# --- normalisation ----------------------------------------------------------------------------

_SPACES: Final[re.Pattern[str]] = re.compile(r"\s+")
_DIGIT_KINDS: Final[frozenset[PiiKind]] = frozenset(
    {PiiKind.PHONE, PiiKind.CARD, PiiKind.QQ, PiiKind.LANDLINE}
)
_PLATE_SEP: Final[re.Pattern[str]] = re.compile(r"[·• \-]")


def normalise(kind: PiiKind, value: str) -> str:
    """The one spelling a value is keyed by: every spelling of one phone gives the same string.

    phone: 11 digits; landline: digits with the leading 0; ID: 18 characters upper-case (15-digit
    legacy converted); card, QQ: digits; email, WeChat id: lower-case; name, address: NFKC
    without spaces; plate, order: upper-case without separators; OpenID: as is.
    """
    if kind in _DIGIT_KINDS and value.isdigit() and value.isascii():
        return (
            value if kind is not PiiKind.PHONE or len(value) <= 11 else normalise(kind, "+" + value)
        )
    v = fold_fullwidth(value).strip()
    if kind is PiiKind.PHONE:
        d = digits_only(v)
        if len(d) > 11 and d.startswith(("0086", "86")):
            d = d[4:] if d.startswith("0086") else d[2:]
        return d
    if kind in (PiiKind.CARD, PiiKind.QQ, PiiKind.LANDLINE):
        return digits_only(v)
    if kind is PiiKind.ID:
        s = re.sub(r"[\s-]", "", v).upper()
        return id15_to_18(s) if len(s) == 15 and s.isdigit() and s[0] != "0" else s
    if kind in (PiiKind.EMAIL, PiiKind.WECHAT):
        return v.lower()
    if kind in (PiiKind.NAME, PiiKind.ADDRESS):
        return _SPACES.sub("", unicodedata.normalize("NFKC", v))
    if kind in (PiiKind.PLATE, PiiKind.ORDER):
        return _PLATE_SEP.sub("", v).upper()
    return v


# --- known names ------------------------------------------------------------------------------


class NameIndex:
    """Known values (names from structured columns, anything found in a text or a column of
    the export), found again anywhere in free text, each with its kind.

    An Aho-Corasick automaton (pyahocorasick) of values of two or more characters (five for
    ASCII); the longest value wins where two overlap, and an ASCII edge must not touch another
    digit or letter (a known QQ number is not found inside an order number). Adding after
    :meth:`build` rebuilds on the next :meth:`find`.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._automaton = ahocorasick.Automaton()
        self._size = 0
        self._built = False
        for name in names:
            self.add(name)

    def add(self, name: str, kind: PiiKind = PiiKind.NAME) -> None:
        if kind in (PiiKind.NAME, PiiKind.ADDRESS):
            norm = normalise(kind, name)
            spaced = " ".join(fold_fullwidth(name).split())  # "Wang Wei" as well as "WangWei"
            forms = {norm, spaced}
        else:
            norm = fold_fullwidth(name).strip()
            forms = {norm}
        if len(norm) < 2 or (norm.isascii() and len(norm) < 5):
            return  # one character, or a short Latin name that would match inside words
        for form in forms:
            if form not in self._automaton:
                self._automaton.add_word(form, (len(form), kind))
                self._size += 1
                self._built = False

    def build(self) -> None:
        if self._size and not self._built:
            self._automaton.make_automaton()
            self._built = True

    def __len__(self) -> int:
        return self._size

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalise(PiiKind.NAME, name) in self._automaton

    def find(self, text: str) -> list[Hit]:
        if not self._size:
            return []
        self.build()
        hits = []
        for last, (length, kind) in self._automaton.iter_long(text):
            start, end = last - length + 1, last + 1
            value = text[start:end]
            if _glued_to_ascii(text, start, end):
                continue
            hits.append(Hit(kind, start, end, value))
        return hits


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _glued_to_ascii(text: str, start: int, end: int) -> bool:
    """An ASCII digit or letter at an edge of the value touching another one outside it."""
    before = start > 0 and _ascii_alnum(text[start]) and _ascii_alnum(text[start - 1])
    return before or (end < len(text) and _ascii_alnum(text[end - 1]) and _ascii_alnum(text[end]))


# --- detection --------------------------------------------------------------------------------

_PART_NAMES: Final[dict[bool, tuple[str, ...]]] = {
    paranoid: tuple(p[4 : p.index(">")] for p in parts)
    for paranoid, parts in ((False, pat.NORMAL_PARTS), (True, pat.PARANOID_PARTS))
}


@functools.cache
def _alternation(paranoid: bool, gates: int) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """The alternation of the forms whose gate is open, and their names in order."""
    return _compiled(tuple(n for n in _PART_NAMES[paranoid] if pat.GATES[n] & gates))


@functools.cache
def _compiled(names: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One compilation per set of forms, however many gate masks lead to it."""
    return re.compile("|".join(pat.SINGLE[n].pattern for n in names)), names


def _gates(folded: str) -> int:
    gates = 0
    if pat.HAS_DIGIT.search(folded):
        gates |= pat.DIGIT
        if pat.HAS_ROAD.search(folded):
            gates |= pat.ROAD
        if pat.HAS_DIGITS5.search(folded):
            gates |= pat.DIGITS5
            if pat.HAS_DIGITS7.search(folded):
                gates |= pat.DIGITS7
                if pat.HAS_MOBILE.search(folded):
                    gates |= pat.MOBILE
    if pat.HAS_HONOUR.search(folded):
        gates |= pat.HONOUR
    if pat.HAS_BRACKET.search(folded):
        gates |= pat.BRACKET
    if "@" in folded:
        gates |= pat.AT
    if pat.HAS_LETTER.search(folded):
        gates |= pat.LETTER
    if pat.HAS_CUE.search(folded):
        gates |= pat.CUE
    return gates


def find_pii(
    text: str,
    *,
    names: NameIndex | None = None,
    order_pattern: re.Pattern[str] | None = None,
    paranoid: bool = False,
) -> list[Hit]:
    """Non-overlapping hits sorted by start. Order numbers win over patterns, patterns over
    known names where spans overlap."""
    folded = fold_fullwidth(text)
    hits = _scan(text, folded, paranoid)
    extra: list[Hit] = []
    if order_pattern is not None:
        group = "v" if "v" in order_pattern.groupindex else 0
        for m in order_pattern.finditer(folded):
            s, e = m.span(group)
            if e > s:
                extra.append(Hit(PiiKind.ORDER, s, e, text[s:e]))
        hits = _merge(extra, hits)
    if names is not None:
        hits = _merge(hits, names.find(folded))
    return hits


def add_names(text: str, hits: list[Hit], names: NameIndex) -> list[Hit]:
    """``hits`` of ``find_pii(text)`` plus the known names, as ``find_pii(text, names=names)``
    would give them: a name only where no hit already is."""
    return _merge(hits, names.find(fold_fullwidth(text)))


def _merge(first: list[Hit], second: list[Hit]) -> list[Hit]:
    if not second:
        return first
    kept = list(first)
    kept.extend(h for h in second if all(h.end <= k.start or h.start >= k.end for k in first))
    kept.sort(key=lambda h: h.start)
    return kept


def _scan(text: str, folded: str, paranoid: bool) -> list[Hit]:
    gates = _gates(folded)
    if not gates:
        return []
    pattern, names = _alternation(paranoid, gates)
    hits: list[Hit] = []
    pos, size = 0, len(folded)
    while pos < size and (m := pattern.search(folded, pos)) is not None:
        group = m.lastgroup or ""
        hit = _accept(group, m, text, folded, paranoid)
        end = m.end()
        if hit is None:  # try the later alternatives that also start here
            for other in names[names.index(group) + 1 :]:
                mm = pat.SINGLE[other].match(folded, m.start())
                if mm is not None and (hit := _accept(other, mm, text, folded, paranoid)):
                    end = mm.end()
                    break
        if hit is None:
            pos = m.start() + 1
        else:
            if hit is not _PASSED_OVER:
                hits.append(hit)
            pos = end
    return hits


_MOBILE: Final[re.Pattern[str]] = re.compile(r"1[3-9][0-9]{9}")
_PASSED_OVER: Final[Hit] = Hit(PiiKind.ORDER, 0, 0, "")  # a shield matched: no hit, skip it


_GROUP_KIND: Final[dict[str, tuple[PiiKind, str]]] = {
    group: (PiiKind.ORDER if group in pat.SHIELDS else PiiKind(kind), inner or group)
    for group, (kind, inner) in pat.GROUP_KIND.items()
}  # a shield's kind is never used: it gives no hit


def _accept(group: str, m: re.Match[str], text: str, folded: str, paranoid: bool) -> Hit | None:
    kind, inner = _GROUP_KIND[group]
    start, end = m.span(inner)
    value = folded[start:end]
    if group in pat.SHIELDS or (paranoid and kind is PiiKind.ORDER):
        return _PASSED_OVER if _CHECKS[group](value, folded, start, paranoid) else None
    if group == "CUERUN":
        kind = PiiKind(
            pat.CUE_RUN_KIND.get(m.group("c_run"), "landline" if value[0] == "0" else "phone")
        )
    check = _CHECKS.get(group)
    if check is not None and not check(value, folded, start, paranoid):
        return None
    return Hit(kind, start, end, text[start:end])


def _check_card(value: str, folded: str, start: int, paranoid: bool) -> bool:
    before = folded[max(0, start - 10) : start]
    if pat.NOT_CARD_CUE.search(before):
        return False
    digits = digits_only(value)
    if paranoid or luhn_ok(digits):
        return True
    return digits.startswith("62") and pat.CARD_CUE.search(before) is not None


def _check_plate(value: str, folded: str, start: int, paranoid: bool) -> bool:
    return sum(c.isdigit() for c in value[2:]) >= 3


def _check_openid(value: str, folded: str, start: int, paranoid: bool) -> bool:
    return any(c.isdigit() for c in value) and any(c.isupper() for c in value)


def _check_bare_number(value: str, folded: str, start: int, paranoid: bool) -> bool:
    digits = digits_only(value)
    if is_service_number(digits) or pat.DATE_LIKE.fullmatch(digits) is not None:
        return False
    return pat.NOT_PERSON_BEFORE.search(folded, max(0, start - 12), start) is None


def _check_taxid(value: str, folded: str, start: int, paranoid: bool) -> bool:
    """A valid credit code is passed over; an all-digit one (it could be a resident ID: 1 in
    31 numbers passes the MOD 31 check by chance) only right after a tax cue."""
    if not is_valid_uscc(value):
        return False
    if value[:17].isdigit():
        return pat.TAX_CUE.search(folded, max(0, start - 12), start) is not None
    return True


_CHECKS: Final[dict[str, Callable[[str, str, int, bool], bool]]] = {
    "ID": lambda v, f, s, p: p or is_valid_id(v),
    "ID15": lambda v, f, s, p: p or is_valid_id(v),
    "CARD": _check_card,
    "EMAIL": lambda v, f, s, p: not is_example_email(v),
    "PLATE": _check_plate,
    "OPENID": _check_openid,
    "ADDRESS": lambda v, f, s, p: pat.ADDRESS_DETAIL.search(v) is not None,
    "CUERUN": lambda v, f, s, p: not is_service_number(digits_only(v)),
    "QQP": _check_bare_number,
    "TAXID": _check_taxid,
    "ORDER": lambda v, f, s, p: not (is_valid_id(v) or _MOBILE.fullmatch(v)),  # still PII
    "ORDERS": lambda v, f, s, p: not is_valid_id(v),
}
