"""'Did you mean' suggestions, shared by config, thresholds, registries and the CLI.

One helper so every message suggests the same way: difflib's ratio with its default cutoff,
the single closest candidate, quoted, with a leading space so callers can append it to a
sentence (``f"unknown key.{did_you_mean(key, fields)}"``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]


def closest(word: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word``, or None when nothing is close enough.

    Comparison ignores case, so ``Routing_Latency`` still finds ``routing_latency``; the
    candidate is returned as spelled in ``candidates``.
    """
    spelled = {candidate.lower(): candidate for candidate in candidates}
    matches = difflib.get_close_matches(word.lower(), list(spelled), n=1, cutoff=cutoff)
    return spelled[matches[0]] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``" Did you mean 'x'?"`` for the closest candidate, or ``""`` when none is close."""
    match = closest(word, candidates)
    return f" Did you mean '{match}'?" if match is not None else ""
