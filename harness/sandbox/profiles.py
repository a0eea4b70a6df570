"""Sandbox behaviours: one frozen :class:`Profile` of knobs, presets, and ``--set`` overrides.

Throughput capacity is never a knob of its own (the session table, a count of sessions held at
once, is the one bound set directly). Routing throughput is ``routing_workers / decision_time_s``
decisions per second and service throughput is ``agents * agent_capacity / handle_time_s`` items
per second; queue waits emerge when arrivals outrun either.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.sandbox.defects import DEFECTS
from harness.sandbox.faultplan import FaultError, parse_faults

__all__ = ["PRESETS", "Profile", "ProfileError", "get_profile"]

_CATEGORIES = ("billing", "refunds", "logistics", "account", "technical")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class ProfileError(ValueError):
    """An unknown profile or field, or a value that does not convert or is out of range."""


@dataclass(frozen=True, slots=True)
class Profile:
    """Every behaviour of one sandbox instance. ``0`` rate limits mean unlimited."""

    name: str
    categories: tuple[str, ...] = _CATEGORIES
    agents: int = 40
    agent_capacity: int = 4
    handle_time_s: float = 2.0
    routing_workers: int = 8
    decision_time_s: float = 0.005
    simulated_agents: bool = True
    simulated_reply_s: float = 1.0  # mean reply time of a simulated agent in a chat session
    rate_limit_rps: float = 500.0
    rate_limit_burst: int = 500
    max_body_bytes: int = 64 * 1024
    # Integration faults in chat delivery (0 = off): every Nth message accepted is never
    # delivered to the other side, or delivered twice.
    drop_message_every: int = 0
    duplicate_message_every: int = 0
    # Ticket exports (``GET /api/v1/exports/tickets``) have a stricter quota of their own, as
    # vendors' incremental-export and search endpoints do.
    export_rate_limit_rps: float = 5.0
    export_rate_limit_burst: int = 20
    # Resident ID numbers and mobiles are masked in API responses (not in /_sandbox/truth).
    mask_pii: bool = True
    # Integration defects (harness.sandbox.defects.DEFECTS), comma-separated in --set.
    defects: tuple[str, ...] = ()
    # Vendor faults, seeded and counted by the sandbox (harness/sandbox/faultplan.py), e.g.
    # "timeout=0.02,reset=0.02,burst_5xx=0.01"; empty: none.
    faults: str = ""
    # The assignment becomes visible this long after the routing decision (uniform between
    # the two, seeded): a vendor whose routing takes a known, spread-out time.
    assign_delay_min_s: float = 0.0
    assign_delay_max_s: float = 0.0
    # A long tail beyond that body: this share of assignments waits instead the max plus an
    # exponential delay of this mean (seeded).
    assign_delay_tail_share: float = 0.0
    assign_delay_tail_mean_s: float = 0.0
    # A bounded session table (0 = unbounded): at most this many chat sessions are admitted
    # (routable, in conversation) at once; a session opened beyond it is accepted but waits,
    # unrouted and unanswered, until an admitted one closes (FIFO). A vendor whose session
    # capacity is known by construction, for the sessions breakpoint.
    session_capacity: int = 0

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be >= {low}, got {getattr(self, name)!r}"
            for name, low in _MINIMUMS.items()
            if getattr(self, name) < low
        ]
        if self.assign_delay_max_s < self.assign_delay_min_s:
            problems.append("assign_delay_max_s must be >= assign_delay_min_s")
        if self.assign_delay_tail_share > 1:
            problems.append("assign_delay_tail_share must be <= 1")
        if not self.categories or any(not c for c in self.categories):
            problems.append("categories must be a non-empty list of non-empty names")
        problems += [
            _unknown(name, "defect", tuple(DEFECTS)) for name in self.defects if name not in DEFECTS
        ]
        try:
            parse_faults(self.faults)
        except FaultError as exc:
            problems.append(str(exc))
        if problems:
            raise ProfileError(f"profile {self.name!r}: " + "; ".join(problems))

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready field values (categories as a list)."""
        data = {name: getattr(self, name) for name in self.field_names()}
        data["categories"] = list(self.categories)
        data["defects"] = list(self.defects)
        return data

    def capacity(self) -> dict[str, float]:
        """Items per second the routing pool and the agents can take, and the lower of the two.

        Reported in ``/_sandbox/truth`` for tests to compare a measured breakpoint with; the
        harness itself never reads it. An upper bound: skills split the agents into smaller
        pools, and handing a parked item to an agent costs a routing decision too, so when the
        agents are busy the sustainable rate is lower (not so for ``saturating``, whose single
        routing worker binds while the agents are half idle).
        """
        routing = self.routing_workers / self.decision_time_s if self.decision_time_s else 0.0
        slots = self.agents * self.agent_capacity
        service = slots / self.handle_time_s if self.handle_time_s else 0.0
        limits = [value for value in (routing, service) if value > 0]
        return {
            "routing_per_s": routing,
            "service_per_s": service,
            "items_per_s": min(limits) if limits else 0.0,
            "session_table": float(self.session_capacity),  # 0: unbounded
            "agent_slots": float(slots),  # sessions the agents can hold at once
            "sessions": float(min(self.session_capacity or slots, slots)),
        }

    def with_overrides(self, overrides: Mapping[str, str]) -> Profile:
        """A copy with string values converted to each field's type (``--set key=value``).

        ``categories`` takes a comma-separated list; booleans take true/false, yes/no, on/off, 1/0.
        Every problem is reported in one :class:`ProfileError`.
        """
        if not overrides:
            return self
        types = {f.name: f.type for f in dataclasses.fields(self)}
        changes: dict[str, object] = {}
        problems: list[str] = []
        for key, raw in overrides.items():
            if key not in types:
                problems.append(_unknown(key, "field", self.field_names()))
                continue
            try:
                changes[key] = _convert(str(types[key]), raw)
            except ValueError as exc:
                problems.append(f"{key}={raw!r}: {exc}")
        if problems:
            raise ProfileError("\n".join(problems))
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


_MINIMUMS: dict[str, float] = {
    "agents": 1,
    "agent_capacity": 1,
    "handle_time_s": 0,
    "routing_workers": 1,
    "decision_time_s": 0,
    "rate_limit_rps": 0,
    "rate_limit_burst": 0,
    "max_body_bytes": 1,
    "simulated_reply_s": 0,
    "drop_message_every": 0,
    "duplicate_message_every": 0,
    "export_rate_limit_rps": 0,
    "export_rate_limit_burst": 0,
    "assign_delay_min_s": 0,
    "assign_delay_max_s": 0,
    "assign_delay_tail_share": 0,
    "assign_delay_tail_mean_s": 0,
    "session_capacity": 0,
}


def _convert(type_name: str, raw: str) -> object:
    """Convert ``raw`` for a field annotated ``type_name`` (annotations are strings here)."""
    text = raw.strip()
    if type_name == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError("expected an integer") from None
    if type_name == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueError("expected a number") from None
    if type_name == "bool":
        lowered = text.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise ValueError("expected true or false")
    if type_name.startswith("tuple"):
        return tuple(part.strip() for part in text.split(",") if part.strip())
    return text


def _unknown(key: str, what: str, valid: tuple[str, ...]) -> str:
    message = f"unknown {what} {key!r}; valid: {', '.join(valid)}."
    close = difflib.get_close_matches(key, valid, n=1)
    if close:
        message += f" Did you mean {close[0]!r}?"
    return message


PRESETS: Mapping[str, Profile] = {
    "solid": Profile(name="solid"),
    # Service capacity 10 * 2 / 3.0 s ~ 6.7 items/s and 20 routing decisions/s: ~8 arrivals/s
    # queue visibly.
    # One routing worker at 0.3 s a decision places at most ~3.3 items a second: above that
    # rate its intake queue grows steadily (a single deterministic server, so the growth is
    # nearly the same run after run), while 10 agents x 2 could serve ~6.7 a second.
    "saturating": Profile(
        name="saturating",
        agents=10,
        agent_capacity=2,
        handle_time_s=3.0,
        routing_workers=1,
        decision_time_s=0.3,
    ),
    # Routing that takes 200 ms to 1 s (uniform) from decision to visible assignment: the known
    # distribution the probe's polling and vendor-timestamp estimates are measured against.
    "routing-delay": Profile(name="routing-delay", assign_delay_min_s=0.2, assign_delay_max_s=1.0),
    # The same body with a long tail: one assignment in ten waits 1 s plus an exponential 2 s
    # (p95 ~2.4 s, p99 ~5.6 s), for estimates whose tail is not a sharp edge.
    "routing-delay-tail": Profile(
        name="routing-delay-tail",
        assign_delay_min_s=0.2,
        assign_delay_max_s=1.0,
        assign_delay_tail_share=0.1,
        assign_delay_tail_mean_s=2.0,
    ),
    # A session table of 300: at most 300 chat sessions are served at once, the rest wait for
    # one to close (the "stalls above N concurrent sessions" vendor). Its 40 agents x 30 hold
    # 1,200, so the table binds whatever the agent pool, fixed or scaled.
    "session-capped": Profile(
        name="session-capped",
        agents=40,
        agent_capacity=30,
        session_capacity=300,
        rate_limit_rps=0,
    ),
    # Every integration defect at once (one per acceptance check family; see defects.py).
    "defective": Profile(name="defective", defects=tuple(DEFECTS)),
    # A vendor that misbehaves in every way the harness must survive (issue 8): timeouts, slow
    # bodies, resets, 5xx bursts, broken JSON, HTML pages, 429 storms, and webhook floods,
    # duplicates and forgeries. No organic rate limit, so every 429 is an injected one.
    "faulty": Profile(
        name="faulty",
        rate_limit_rps=0,
        faults=(
            "timeout=0.03,hold_s=4,slow_body=0.03,slow_s=0.8,reset=0.03,lost_answer=0.03,"
            "burst_5xx=0.02,burst_len=3,malformed=0.03,truncated=0.03,content_type=0.03,storm_429=0.02,"
            "storm_len=4,wh_duplicate=0.2,wh_flood=0.05,flood_size=10,wh_unsigned=0.1"
        ),
    ),
}


def get_profile(name: str, overrides: Mapping[str, str] | None = None) -> Profile:
    """The preset ``name`` with ``overrides`` applied; :class:`ProfileError` if either is wrong."""
    try:
        profile = PRESETS[name]
    except KeyError:
        raise ProfileError(_unknown(name, "profile", tuple(PRESETS))) from None
    return profile.with_overrides(overrides or {})
