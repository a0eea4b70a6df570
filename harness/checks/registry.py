"""The check registry: ``@check`` (schemathesis's registry, our ids), failures that explain
themselves, and the list of family modules.

A check is a function of one :class:`~harness.checks.context.CheckContext`. It records each
defect it finds with ``ctx.mismatch(...)`` (record, field, expected, received, the requests
that show it) and ends with ``ctx.verify()``, which raises :class:`CheckFailed` if anything was
recorded. ``requires`` names the optional operations it needs
(:data:`harness.vendors.capabilities.OPERATIONS`); without them the check is skipped, never
passed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from harness.vendors.base import ApiRequest

if TYPE_CHECKING:
    from harness.checks.context import CheckContext

__all__ = [
    "FAMILIES",
    "Check",
    "CheckFailed",
    "Mismatch",
    "Severity",
    "all_checks",
    "check",
]

#: Family modules in run order (rate limiting last: it empties a quota on purpose).
FAMILIES = (
    "auth",
    "fields",
    "enums",
    "idempotency",
    "badinput",
    "webhooks",
    "identity",
    "masking",
    "routing",
    "migration",
    "pagination",  # after routing: its hundreds of tickets must not queue ahead of ROUTE-001's
    "ratelimit",
)

_REGISTRY: dict[str, Check] = {}


class Severity(StrEnum):
    """``veto`` disqualifies a vendor; ``major`` and ``minor`` weigh on its score."""

    VETO = "veto"
    MAJOR = "major"
    MINOR = "minor"


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    family: str
    severity: Severity
    title: Mapping[str, str]  # "en", "zh-CN"
    acceptance: str  # the acceptance line it enforces (the function's docstring)
    func: Callable[[CheckContext], None]
    requires: tuple[str, ...] = ()

    def title_in(self, lang: str) -> str:
        return self.title["zh-CN" if lang.lower().startswith("zh") else "en"]


def check(
    id: str,
    severity: Severity,
    *,
    en: str,
    zh: str,
    requires: Sequence[str] = (),
) -> Callable[[Callable[[CheckContext], None]], Callable[[CheckContext], None]]:
    """Register a check. Duplicate ids are an error naming both functions."""

    def register(func: Callable[[CheckContext], None]) -> Callable[[CheckContext], None]:
        other = _REGISTRY[id].func if id in _REGISTRY else func
        if (other.__module__, other.__qualname__) != (func.__module__, func.__qualname__):
            raise ValueError(
                f"check id {id} is defined in both {other.__module__}.{other.__qualname__} "
                f"and {func.__module__}.{func.__qualname__}"
            )
        doc = " ".join((func.__doc__ or "").split())
        family = func.__module__.rsplit(".", 1)[-1]
        _REGISTRY[id] = Check(
            id, family, severity, {"en": en, "zh-CN": zh}, doc, func, tuple(requires)
        )
        return func

    return register


def all_checks() -> list[Check]:
    """Every registered check, family modules imported on first use, in run order."""
    for family in FAMILIES:
        importlib.import_module(f"harness.checks.{family}")
    order = {family: n for n, family in enumerate(FAMILIES)}
    return sorted(_REGISTRY.values(), key=lambda c: (order.get(c.family, 99), c.id))


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One defect: which record, which field, what was expected and what came back."""

    record: str
    field: str
    expected: str
    received: str
    requests: tuple[ApiRequest, ...] = ()
    note: str = ""

    def headline(self) -> str:
        return f"{self.record}, field {self.field}"


@dataclass(slots=True)
class CheckFailed(AssertionError):
    """Raised by ``ctx.verify()``; ``text`` is the rendered explanation with reproductions."""

    mismatches: list[Mismatch]
    text: str = ""
    reproductions: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text
