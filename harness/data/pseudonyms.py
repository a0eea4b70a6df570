"""Keyed, format-preserving, collision-free pseudonyms (去标识化, not 匿名化: the key links them).

``token = HMAC-SHA256(key, kind || 0x1f || normalise(kind, value))``. The kind prefix keeps a QQ
number and a phone with the same digits apart; normalising first gives every spelling of one
phone (``+86 138-0013-8000``, ``13800138000``, full-width) one token, so one customer keeps one
pseudonym across rows, channels and files. The fake comes from the token bytes
(:mod:`harness.data.fakes`), so it is reproducible for a key, independent of the date and of
the Faker version's random streams, and cannot be reversed without the key.

Within one :class:`Pseudonymiser` the mapping is injective and never hands out a real value it
has seen: a candidate already taken (or equal to a real value) is re-derived from
``HMAC(key, kind || 0x1f || norm || 0x1f || attempt)``. The first value to claim a fake keeps it;
:meth:`Pseudonymiser.prepare` assigns a whole column in token order, so the result does not
depend on row order, and :meth:`Pseudonymiser.registry` (token -> fake, no real values) lets a
later export keep every earlier assignment.

Real values are held in memory only, for the residual scan (:meth:`Pseudonymiser.inventory`).
For a whole dataset, observe everything before replacing anything (:meth:`Pseudonymiser.prepare`
for columns, :meth:`Pseudonymiser.observe_text` for free text, then
:meth:`Pseudonymiser.replace_hits`): a fake can then never equal a real value of the dataset.
Single-pass use counts such clashes in :attr:`Pseudonymiser.clashes`; the scan reports them.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping
from typing import Final

from harness.data.fakes import FAKERS, is_surname, render
from harness.data.keys import MIN_KEY_BYTES, key_id
from harness.data.pii import Hit, NameIndex, PiiKind, find_pii, normalise
from harness.data.shards import map_chunks
from harness.errors import HarnessError

__all__ = ["MAX_ATTEMPTS", "Pseudonymiser"]

MAX_ATTEMPTS: Final[int] = 1000
_DRAFTS: Final[int] = 20_000  # values per piece of work when tokens and fakes are drafted


class Pseudonymiser:
    """Hands out pseudonyms for one key and remembers what it handed out."""

    def __init__(self, key: bytes, *, registry: Mapping[str, str] | None = None) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"a pseudonym key needs at least {MIN_KEY_BYTES} bytes")
        self._mac = hmac.new(key, digestmod="sha256")
        self.key_id: str = key_id(key)
        self._registry: dict[str, str] = dict(registry or {})
        self._taken: set[str] = set(self._registry.values())
        self._issued: set[str] = set(self._taken)
        self._reals: set[str] = set()  # normalised real values: never handed out as fakes
        self._inventory: set[str] = set()  # real values as seen and normalised, memory only
        self._norms: dict[tuple[PiiKind, str], str] = {}  # (kind, as written) -> normalised
        self._cache: dict[tuple[PiiKind, str], str] = {}  # (kind, as written) -> fake
        self.clashes = 0  # real values first seen after an equal fake was handed out

    def token(self, kind: PiiKind, value: str) -> bytes:
        return self._token(kind, self._normalised(kind, value))

    def _token(self, kind: PiiKind, norm: str, attempt: int = 0) -> bytes:
        message = f"{kind.value}\x1f{norm}" + (f"\x1f{attempt}" if attempt else "")
        mac = self._mac.copy()  # the keyed state, copied: half the cost of hmac.digest per value
        mac.update(message.encode())
        return mac.digest()

    def customer_key(self, kind: PiiKind, value: str) -> str:
        """An opaque id of the person behind ``value``: ``cust_`` + 16 hex digits of its token."""
        return "cust_" + self.token(kind, value)[:8].hex()

    def pseudonym(self, kind: PiiKind, value: str) -> str:
        """The fake for ``value``, in the normalised spelling of ``kind`` (11-digit phone,
        upper-case 18-character ID ...). Blank values are returned unchanged."""
        cached = self._cache.get((kind, value))
        if cached is not None:
            return cached
        norm = self._normalised(kind, value)
        if not norm:
            return value
        fake = self._assign(kind, norm, self._token(kind, norm))
        self._cache[(kind, value)] = fake
        return fake

    def observe(self, kind: PiiKind, value: str) -> None:
        """Record a real value without assigning it: no fake will ever equal it. Observing every
        structured value before pseudonymising rules out fakes that equal a later real value."""
        self._normalised(kind, value)

    def prepare(self, kind: PiiKind, values: Iterable[str], jobs: int = 1) -> None:
        """Observe ``values`` and assign their fakes in token order, so which of two colliding
        values gets re-derived does not depend on the order of the rows.

        Each value's token and first candidate fake (pure functions of the key and the value)
        are computed in ``jobs`` forked processes; only checking them against what is taken,
        in token order, is done here: the result does not depend on ``jobs``.
        """
        raws = {value: self._normalised(kind, value) for value in values}
        norms = sorted({norm for norm in raws.values() if norm})
        pieces = (norms[i : i + _DRAFTS] for i in range(0, len(norms), _DRAFTS))
        drafts = [d for part in map_chunks(_drafts, (self, kind), pieces, jobs) for d in part]
        fakes = {
            norm: self._assign(kind, norm, token, first) for token, norm, first in sorted(drafts)
        }
        self._cache.update(((kind, raw), fakes[norm]) for raw, norm in raws.items() if norm)

    def observe_text(
        self,
        text: str,
        *,
        names: NameIndex | None = None,
        order_pattern: re.Pattern[str] | None = None,
    ) -> list[Hit]:
        """First pass over free text: observe every hit and return them for :meth:`replace_hits`.

        Names are the reason: fakes come from the same tables real names do, so in one pass a
        fake handed out early (李东) often turns up later as someone's real name, and the
        residual scan cannot tell the two apart. Observing every text first rules that out.
        """
        hits = find_pii(text, names=names, order_pattern=order_pattern)
        for hit in hits:
            self.observe(hit.kind, hit.value)
        return hits

    def _normalised(self, kind: PiiKind, raw: str) -> str:
        """``normalise(kind, raw)``, observed as a real value the first time it is seen."""
        norm = self._norms.get((kind, raw))
        if norm is None:
            norm = self._norms[(kind, raw)] = normalise(kind, raw)
            if norm:
                self._observe(kind, raw, norm)
        return norm

    def _observe(self, kind: PiiKind, raw: str, norm: str) -> None:
        if kind is PiiKind.NAME and is_surname(norm):
            return  # 王 of 王先生 is not identifying, and would match every 王 in the output
        if norm not in self._reals:
            self._reals.add(norm)
            if norm in self._taken:
                self.clashes += 1
        self._inventory.add(norm)
        self._inventory.add(raw.strip())

    def _assign(self, kind: PiiKind, norm: str, token: bytes, first: str | None = None) -> str:
        """The fake for ``norm``; ``first`` is ``FAKERS[kind](token, norm, 0)`` if known."""
        known = self._registry.get(token.hex())
        if known is not None:
            return known
        derive = FAKERS[kind]
        surname = kind is PiiKind.NAME and is_surname(norm)
        attempt, candidate = 0, derive(token, norm, 0) if first is None else first
        while candidate == norm or (
            not surname and (candidate in self._taken or candidate in self._reals)
        ):
            attempt += 1
            if attempt >= MAX_ATTEMPTS:
                raise HarnessError(
                    f"no free {kind.value} pseudonym after {MAX_ATTEMPTS} attempts: the format of "
                    f"these values leaves too few distinct fakes for this many of them. Check that "
                    f"the column really holds {kind.value} values; a short format (4-digit order "
                    "numbers, say) cannot give every value a pseudonym of its own."
                )
            candidate = derive(self._token(kind, norm, attempt), norm, attempt)
        self._registry[token.hex()] = candidate
        if not surname:  # surnames repeat by design: 400 of them for every name in the data
            self._taken.add(candidate)
        self._issued.add(candidate)
        return candidate

    def replace_hits(self, text: str, hits: Iterable[Hit]) -> tuple[str, int]:
        """``text`` with each hit replaced by its pseudonym, written in the hit's own layout."""
        new, count, shown = self.render_hits(text, hits)
        self._issued.update(shown)
        return new, count

    def render_hits(self, text: str, hits: Iterable[Hit]) -> tuple[str, int, list[str]]:
        """:meth:`replace_hits` without recording what it wrote: the new text, the count and
        the pseudonyms as written, for :meth:`add_issued` (a worker process hands them back)."""
        parts: list[str] = []
        shown: list[str] = []
        last = 0
        for hit in hits:
            fake = render(hit.kind, hit.value, self.pseudonym(hit.kind, hit.value))
            shown.append(fake)
            parts.append(text[last : hit.start])
            parts.append(fake)
            last = hit.end
        if not shown:
            return text, 0, shown
        parts.append(text[last:])
        return "".join(parts), len(shown), shown

    def add_issued(self, shown: Iterable[str]) -> None:
        """Record pseudonyms as written into text (by :meth:`render_hits`)."""
        self._issued.update(shown)

    @property
    def assigned(self) -> int:
        """How many values have a pseudonym; unchanged while only known values are replaced."""
        return len(self._registry)

    def replace_in_text(
        self,
        text: str,
        *,
        names: NameIndex | None = None,
        order_pattern: re.Pattern[str] | None = None,
    ) -> tuple[str, int]:
        """Every :func:`find_pii` hit replaced; returns the new text and the replacement count."""
        return self.replace_hits(text, find_pii(text, names=names, order_pattern=order_pattern))

    @property
    def issued(self) -> frozenset[str]:
        """Every fake handed out, in its normalised spelling and as written into text."""
        return frozenset(self._issued)

    def registry(self) -> dict[str, str]:
        """Token hex -> fake. Holds no real value; pass it back in to keep assignments stable."""
        return dict(self._registry)

    def inventory(self) -> list[str]:
        """The real values seen, as written and normalised. Memory only: never write it out."""
        return sorted(self._inventory)


def _drafts(state: tuple[Pseudonymiser, PiiKind], norms: list[str]) -> list[tuple[bytes, str, str]]:
    """``(token, value, first candidate fake)`` of each normalised value."""
    ps, kind = state
    derive = FAKERS[kind]
    return [(token, norm, derive(token, norm, 0)) for norm in norms
            if (token := ps._token(kind, norm))]  # fmt: skip
