"""The fault knobs of a sandbox profile (``faults: "timeout=0.02,reset=0.02"``), pure data.

Parsed here without importing aiohttp, so profiles stay light; :mod:`harness.sandbox.faults`
injects them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

__all__ = ["EXPECTED_CLASS", "FaultError", "FaultPlan", "parse_faults"]

# What a client should count for each injected fault.
EXPECTED_CLASS: dict[str, str] = {
    "timeout": "timeout",
    "reset": "connection",
    "lost_answer": "connection",
    "server_error": "server",
    "create_5xx": "server",
    "malformed": "protocol",
    "truncated": "protocol",
    "content_type": "protocol",
    "throttled": "throttled",
    "slow_body": "ok",
}


class FaultError(ValueError):
    """A fault spec that does not parse: unknown knob, bad number, or out of range."""


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """The fault knobs. ``0`` switches a fault off."""

    timeout: float = 0.0  # hold the answer past the client's timeout, then 504
    hold_s: float = 5.0
    slow_body: float = 0.0  # send the answer in pieces over slow_s (a success, but slow)
    slow_s: float = 1.0
    reset: float = 0.0  # abort the connection with a TCP RST, no answer
    # do the request (a create commits), then abort with a TCP RST: the answer is lost
    lost_answer: float = 0.0
    burst_5xx: float = 0.0  # chance that a burst of burst_len 5xx answers starts
    burst_len: int = 5
    malformed: float = 0.0  # 200 with JSON of the wrong shape
    truncated: float = 0.0  # 200 with the real JSON body cut in half
    content_type: float = 0.0  # 200 with an HTML page (text/html), as a proxy would send
    storm_429: float = 0.0  # chance that a storm of storm_len 429 answers starts
    storm_len: int = 10
    # 500 for a ticket create only (POST .../tickets): failing creates beside healthy reads
    create_5xx: float = 0.0
    wh_duplicate: float = 0.0  # deliver a webhook event a second time (same event id)
    wh_flood: float = 0.0  # chance that flood_size noise events follow a delivery
    flood_size: int = 20
    wh_unsigned: float = 0.0  # send a forged, unsigned copy of a delivery

    @property
    def active(self) -> bool:
        return any(getattr(self, name) > 0 for name in _RATES)

    @property
    def webhooks_active(self) -> bool:
        return any(getattr(self, name) > 0 for name in _RATES if name.startswith("wh_"))

    def to_dict(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


_FIELDS = {f.name: f.type for f in dataclasses.fields(FaultPlan)}
_RATES = tuple(
    name for name, kind in _FIELDS.items() if kind == "float" and not name.endswith("_s")
)


def parse_faults(spec: str) -> FaultPlan:
    """``"timeout=0.05,hold_s=3"`` -> :class:`FaultPlan`; :class:`FaultError` lists every
    problem at once."""
    values: dict[str, float | int] = {}
    problems: list[str] = []
    for raw in spec.replace(";", ",").split(","):
        item = raw.strip()
        if not item:
            continue
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep:
            problems.append(f"{item!r}: expected name=value")
            continue
        kind = _FIELDS.get(key)
        if kind is None:
            problems.append(f"unknown fault {key!r}; valid: {', '.join(_FIELDS)}")
            continue
        try:
            number: float | int = int(text) if kind == "int" else float(text)
        except ValueError:
            problems.append(f"{key}={text.strip()!r}: expected a number")
            continue
        if key in _RATES and not 0.0 <= number <= 1.0:
            problems.append(f"{key}={number}: a rate is between 0 and 1")
        elif number < 0 or (kind == "int" and number < 1):
            problems.append(f"{key}={number}: must be positive")
        else:
            values[key] = number
    if problems:
        raise FaultError("faults: " + "; ".join(problems))
    return FaultPlan(**values)  # type: ignore[arg-type]
