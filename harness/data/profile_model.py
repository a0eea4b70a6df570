"""The shape of ``profile.json`` (written by ``csm-harness profile``, read by ``generate``).

Readable first: mixes are ``{name: {count, share}}``, arrivals have per-weekday and per-hour
tickets/day next to the 7 x 96 slot rates, distributions carry a short ``summary``
(min, p5 ... p99, max) next to the quantile ``knots`` that generation samples from (inverse
CDF, linear between knots; the tail knots 0.995/0.999/0.9999 keep the mean honest).
:meth:`Profile.from_json` rejects a file of another ``version`` or a malformed one with one
:class:`~harness.errors.ConfigError` listing every problem.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Final, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from harness.config.problems import format_loc
from harness.errors import ConfigError

__all__ = [
    "DAYS",
    "Arrivals",
    "Count",
    "Customers",
    "DailyTotals",
    "Delay",
    "Distribution",
    "Profile",
    "Sessions",
    "Source",
    "TextLengths",
    "sig",
]

VERSION: Final = 1
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SLOTS_PER_DAY = 96
LEVELS = (0.0, *(i / 100 for i in range(1, 100)), 0.995, 0.999, 0.9999, 1.0)
_SUMMARY = {"min": 0.0, "p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
_SUMMARY_TAIL = {"p99": 0.99, "max": 1.0}


def sig(value: float, digits: int = 6) -> float:
    """``value`` rounded to ``digits`` significant digits, so the JSON stays short."""
    return float(f"{value:.{digits}g}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Count(_Model):
    count: Annotated[int, Field(ge=0)]
    share: Annotated[float, Field(ge=0, le=1)]


Mix = dict[str, Count]


class Knots(_Model):
    levels: list[float]
    values: list[float]


class Histogram(_Model):
    """Equal-width bins from min to p99; ``above`` counts the values past the last edge."""

    edges: list[float]
    counts: list[int]
    above: int


class Distribution(_Model):
    count: int
    mean: float
    summary: dict[str, float]
    knots: Knots
    histogram: Histogram | None = None

    @classmethod
    def of(cls, values: np.ndarray, *, histogram: bool = False) -> Distribution | None:
        data = np.asarray(values, dtype=np.float64)
        data = data[np.isfinite(data)]
        if data.size == 0:
            return None
        quantiles = np.quantile(data, LEVELS)
        summary = dict(zip(_SUMMARY, np.quantile(data, list(_SUMMARY.values())), strict=True))
        summary |= dict(
            zip(_SUMMARY_TAIL, np.quantile(data, list(_SUMMARY_TAIL.values())), strict=True)
        )
        hist = None
        if histogram:
            top = float(np.quantile(data, 0.99))
            counts, edges = np.histogram(
                data, bins=20, range=(float(data.min()), max(top, data.min() + 1))
            )
            hist = Histogram(
                edges=[sig(e, 4) for e in edges],
                counts=[int(c) for c in counts],
                above=int((data > edges[-1]).sum()),
            )
        return cls(
            count=int(data.size),
            mean=sig(float(data.mean())),
            summary={k: sig(float(v)) for k, v in summary.items()},
            knots=Knots(levels=list(LEVELS), values=[sig(float(q)) for q in quantiles]),
            histogram=hist,
        )

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` draws from the quantile knots (inverse CDF, linear between knots)."""
        return np.interp(rng.random(size), self.knots.levels, self.knots.values)


class TextLengths(_Model):
    """Characters of one text column after stripping; empty and missing texts are counted apart."""

    empty_share: float
    chars: Distribution | None


class DailyTotals(_Model):
    mean: float
    sd: float
    cv: float
    residual_cv: float  # CV of day / (its weekday's mean): the weekly pattern removed
    gamma_shape: float | None  # k of the Gamma(k, 1/k) day factor; None = no over-dispersion
    note: str


class Period(_Model):
    tickets_per_day: float
    share: float


class PeakDay(_Model):
    date: str
    tickets: int
    ratio: float  # tickets / the mean of the same weekday


class Arrivals(_Model):
    timezone: str
    slot_seconds: Literal[900] = 900
    days_observed: int
    tickets_per_day: DailyTotals
    by_day_of_week: dict[str, Period]
    by_hour: dict[str, Period]
    busiest_hours: list[int]  # up to 3, busiest first
    busiest_days: list[PeakDay]
    slot_rates_per_s: dict[str, list[Annotated[float, Field(ge=0)]]]

    @field_validator("slot_rates_per_s")
    @classmethod
    def _week(cls, value: dict[str, list[float]]) -> dict[str, list[float]]:
        if list(value) != list(DAYS) or any(len(v) != SLOTS_PER_DAY for v in value.values()):
            raise ValueError(f"needs the keys {', '.join(DAYS)} with {SLOTS_PER_DAY} rates each")
        if not any(any(v) for v in value.values()):
            raise ValueError("every rate is 0: no arrivals to generate")
        return value

    def week_rates(self) -> np.ndarray:
        """672 rates per second, Monday 00:00 local first."""
        return np.concatenate(
            [np.asarray(self.slot_rates_per_s[d], dtype=np.float64) for d in DAYS]
        )


class Sessions(_Model):
    """Messages per session and the session length W that Little's law (L = lambda W) needs."""

    messages: Distribution | None
    messages_share: float  # share of tickets that have a message count
    mean_messages: float
    messages_source: Literal["column", "default"]
    think_time_s: float  # seconds per message
    think_time_source: Literal["derived", "default"]
    duration_s: float  # mean session length
    duration: Distribution | None  # when derived from resolved_at on chat channels
    note: str


class Customers(_Model):
    customers: int
    tickets_per_customer_mean: float
    repeat_share: float  # customers with 2+ tickets / customers
    repeat_ticket_share: float  # tickets from those customers / tickets
    multi_channel_share: float  # customers seen on 2+ channels / customers
    tickets_per_customer: dict[str, int]  # "1".."19", "20+": number of customers
    tail_mean: float  # mean tickets of the "20+" customers


class Delay(_Model):
    share: float  # tickets that have the timestamp
    seconds: Distribution


class Source(_Model):
    file: str | None
    rows: int
    first: str
    last: str
    columns: list[str]


class Profile(_Model):
    version: Literal[1] = VERSION
    source: Source
    arrivals: Arrivals
    channels: Annotated[Mix, Field(min_length=1)]
    categories: Annotated[Mix, Field(min_length=1)]
    priorities: Mix
    statuses: Mix
    category_by_channel: dict[str, dict[str, float]]
    subject: TextLengths
    description: TextLengths
    sessions: Sessions
    customers: Customers | None
    routing: Delay | None  # assigned_at - created_at
    resolution: Delay | None  # resolved_at - created_at
    agents: int | None
    notes: list[str]

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        for name, mix in (("channels", self.channels), ("categories", self.categories)):
            if sum(c.share for c in mix.values()) <= 0:
                raise ValueError(f"{name}: every share is 0")
        for channel, row in self.category_by_channel.items():
            unknown = set(row) - set(self.categories)
            if channel not in self.channels or unknown:
                what = f"channel '{channel}'" if channel not in self.channels else str(unknown)
                raise ValueError(f"category_by_channel: {what} is not in the mixes")
        return self

    def to_json(self) -> str:
        """Indented JSON; lists of numbers stay on one line so the file reads top to bottom."""
        text = json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2)
        return _NUMBER_LIST.sub(_one_line, text) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "profile.json") -> Profile:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{source}:{exc.lineno}: not valid JSON: {exc.msg}.") from None
        if isinstance(data, dict) and data.get("version") not in (None, VERSION):
            raise ConfigError(
                f"{source}: version {data.get('version')!r} is not supported (this csm-harness "
                f"reads version {VERSION}); run 'csm-harness profile' again."
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(
                [
                    f"{source}: {format_loc(tuple(e['loc'])) or 'profile'}: "
                    f"{e['msg'].removeprefix('Value error, ')}. Run 'csm-harness profile' again "
                    "or fix the value."
                    for e in exc.errors()
                ]
            ) from None

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Profile:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (FileNotFoundError, IsADirectoryError):
            raise ConfigError(
                f"{path}: no such profile file; write one with 'csm-harness profile'."
            ) from None
        return cls.from_json(text, str(path))


def _one_line(match: re.Match[str]) -> str:
    return "[" + ", ".join(part.strip() for part in match.group(1).split(",")) + "]"


_NUMBER_LIST = re.compile(r"\[\s*((?:-?[\d.eE+-]+,\s*)*-?[\d.eE+-]+)\s*\]")
