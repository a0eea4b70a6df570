"""``scan --explain``: each residual hit with its masked context and the rule that would clear it.

The context is the cell around the hit with every digit shown as ``9`` and every ASCII letter as
``a``/``A``, other personal data in the window as ``[kind]``, and the hit itself as
``[kind:999999]`` (its shape, never its characters): enough to judge "a loyalty-points figure"
from "a QQ number" without showing either. The suggested rule is built from the words right
before (or after) the hit and the hit's shape, to paste into a ``--rules`` file after review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from harness.data.pii import Hit, find_pii, fold_fullwidth
from harness.data.residual import Leak

__all__ = ["Explained", "explain", "shape"]

WINDOW: Final[int] = 12
_CUE: Final[re.Pattern[str]] = re.compile(r"([\u4e00-\u9fff]{1,4})[:：# ]*$")
_CUE_AFTER: Final[re.Pattern[str]] = re.compile(r"^ ?([\u4e00-\u9fff]{1,3})")


@dataclass(frozen=True, slots=True)
class Explained:
    leak: Leak
    context: str
    rule: str | None  # a YAML list item for the rules file, or None when no rule may clear it


def shape(text: str) -> str:
    """Digits as 9, ASCII letters as a/A, anything else as it is."""
    return "".join(
        "9" if c.isdigit() else ("A" if c.isupper() else "a") if c.isascii() and c.isalpha() else c
        for c in text
    )


def _value_regex(value: str) -> str:
    if value.isdigit():
        return f"[0-9]{{{len(value)}}}"
    return f"[0-9A-Za-z-]{{{len(value)}}}"


def explain(text: str, leak: Leak) -> Explained:
    """The explanation of ``leak`` found in the cell ``text``."""
    folded = fold_fullwidth(text)
    hits = find_pii(text, paranoid=True)
    target = next((h for h in hits if h.start == leak.offset), None)
    end = target.end if target is not None else leak.offset + 1
    start = leak.offset
    lo, hi = max(0, start - WINDOW), min(len(folded), end + WINDOW)
    others = [h for h in hits if h is not target and h.end > lo and h.start < hi]
    context = (
        _masked_with(others, folded, lo, start)
        + f"[{leak.kind}:{shape(folded[start:end])}]"
        + _masked_with(others, folded, end, hi)
    )
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(folded) else ""
    rule = _suggest(folded, target) if leak.check == "detector" and target is not None else None
    return Explained(leak, prefix + context.replace("\n", "⏎") + suffix, rule)


def _masked_with(others: list[Hit], folded: str, lo: int, hi: int) -> str:
    out, pos = [], lo
    for hit in sorted(others, key=lambda h: h.start):
        if hit.end <= lo or hit.start >= hi:
            continue
        out.append(shape(folded[pos : max(pos, hit.start)]))
        out.append(f"[{hit.kind.value}]")
        pos = min(hi, hit.end)
    out.append(shape(folded[pos:hi]))
    return "".join(out)


def _suggest(folded: str, hit: Hit) -> str:
    value = _value_regex(folded[hit.start : hit.end])
    before = _CUE.search(folded[max(0, hit.start - 8) : hit.start])
    kind = hit.kind.value
    if before is not None:
        pattern = re.escape(before.group(1)) + "[:：# ]*(?P<v>" + value + ")"
    else:
        after = _CUE_AFTER.search(folded[hit.end : hit.end + 4])
        if after is None:
            return ""  # nothing but the value itself to go by: no safe pattern
        pattern = "(?P<v>" + value + ")" + re.escape(after.group(1))
    return f"- {{pattern: '{pattern}', kind: {kind}, reason: 'TODO: why this is no {kind}'}}"
