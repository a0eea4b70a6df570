"""How a breakpoint search's level reads: an arrival rate ("300/s") or a count of concurrent
chat sessions ("300 sessions"), and which words go with it.

The rate search and the sessions search share one result model (the level is ``rate``), so
the page and the console ask here how to say it instead of assuming a rate.
"""

from __future__ import annotations

from harness.analysis.breakpoint import SearchSpec
from harness.config.breakpoint_sessions import SessionsBreakpoint
from harness.i18n import Lang, fmt_int, fmt_per_second
from harness.report.i18n import MESSAGES, t

__all__ = ["is_sessions", "level_key", "level_text"]


def is_sessions(spec: SearchSpec) -> bool:
    return isinstance(spec, SessionsBreakpoint)


def level_key(spec: SearchSpec, key: str) -> str:
    """``bp.X``, or its sessions wording ``bps.X`` when the search is over sessions and has one."""
    if is_sessions(spec) and key.startswith("bp."):
        own = f"bps.{key[3:]}"
        if own in MESSAGES:
            return own
    return key


def level_text(spec: SearchSpec, value: float | None, lang: Lang) -> str | None:
    """``value`` as the search's level; None stays None (the caller shows its dash)."""
    if value is None:
        return None
    if is_sessions(spec):
        return t("bps.level", lang, count=fmt_int(round(value)))
    return fmt_per_second(value, lang)
