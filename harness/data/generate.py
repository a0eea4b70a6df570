"""Synthetic tickets, customers and sessions that match a profile, seeded and vectorised.

- **Arrivals** (``created_at``): :func:`harness.data.traffic.arrival_times`, the profile's
  weekly NHPP with its day factor and an optional peak. ``tickets`` alone spreads that many over
  ``tickets / mean rate`` seconds; ``duration_s`` alone draws a Poisson count; both: exactly
  ``tickets`` within ``duration_s``.
- **Customers**: tickets per customer from the profile's histogram; a repeat customer is on
  several channels with the probability that reproduces ``multi_channel_share`` while every
  ticket's channel stays distributed as the channel mix (a customer has a home channel; a
  multi-channel customer's tickets draw their channel afresh). Names come from a pool that a
  seeded Faker fills once (surname and given-name pools, combined); mobile numbers use current
  CN prefixes (13x-19x) and are unique (an affine bijection of the customer number); e-mails
  use the reserved example.* domains; ``customer_key`` is 16 hex digits, unique.
- **Category** given the channel (the profile's crosstab), priority and status from their mixes.
- **Text**: from pools of pre-rendered template instances per category (:data:`POOL` each,
  :mod:`harness.data.textpool`): each ticket draws a target length from the profile and takes
  a description of the nearest length, a subject of exactly that length (cut if need be).
- **Sessions**: ``messages`` from the profile where the source had it; ``assigned_at`` and
  ``resolved_at`` from the routing and resolution delays; ``agent`` from a pool of ids.

Same seed, profile and arguments -> an identical frame. Faker is only asked for names and user
names (no date-dependent generators) and is pinned below version 41.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Final, Literal

import numpy as np
import pandas as pd
from faker import Faker

from harness.data.identities import CN_MOBILE_PREFIXES
from harness.data.peaks import PeakWindows
from harness.data.profile_model import Count, Profile
from harness.data.schema import TICKET_COLUMNS
from harness.data.templates import templates_for_locale
from harness.data.textpool import POOL, texts
from harness.data.traffic import arrival_times
from harness.errors import ConfigError

__all__ = ["CN_MOBILE_PREFIXES", "POOL", "default_start", "generate"]

_NAMES: Final = 1000  # surnames and given names drawn from Faker once each
_DOMAINS: Final = np.array(["example.com", "example.net", "example.org"], dtype=object)
Locale = Literal["zh_CN", "en_US"]
Progress = Callable[[str], None]


def default_start(profile: Profile) -> datetime:
    """Local midnight after the profile's last ticket: synthetic traffic continues the history."""
    last = pd.Timestamp(profile.source.last).tz_convert(profile.arrivals.timezone)
    start: datetime = (last.normalize() + pd.Timedelta(days=1)).to_pydatetime()
    return start


def generate(
    profile: Profile,
    *,
    tickets: int | None = None,
    duration_s: float | None = None,
    seed: int,
    locale: Locale = "zh_CN",
    start: datetime | None = None,
    peak_multiplier: float = 1.0,
    peak_hours: int = 0,
    peak_windows: PeakWindows = (),
    progress: Progress | None = None,
) -> pd.DataFrame:
    """A ticket table (:data:`TICKET_COLUMNS`) sorted by ``created_at``."""
    step = progress or (lambda _: None)
    if tickets is None and duration_s is None:
        raise ConfigError("give a number of tickets or a duration to generate.")
    if tickets is not None and tickets < 0:
        raise ConfigError(f"tickets {tickets}: must be 0 or more.")
    if seed < 0:
        raise ConfigError(f"seed {seed}: must be 0 or more.")
    streams = np.random.SeedSequence(seed).spawn(5)
    arrivals_seed = int(streams[0].generate_state(1)[0])
    who, mix, text, times = (np.random.default_rng(s) for s in streams[1:])
    begin = pd.Timestamp(start or default_start(profile))
    begin = begin.tz_localize(profile.arrivals.timezone) if begin.tzinfo is None else begin
    if duration_s is None:
        assert tickets is not None
        duration_s = max(tickets, 1) / float(profile.arrivals.week_rates().mean())
    step("arrivals")
    offsets = arrival_times(
        profile, start=begin.to_pydatetime(), duration_s=duration_s, seed=arrivals_seed,
        peak_multiplier=peak_multiplier, peak_hours=peak_hours, peak_windows=peak_windows,
        count=tickets,
    )  # fmt: skip
    n = len(offsets)
    created = _stamps(begin.tz_convert("UTC").value + np.round(offsets * 1e9).astype("int64"))
    step("customers")
    owner, customers, channel = _customers(profile, n, who)
    names, phones, emails, keys = _identities(customers, seed, locale, who)
    step("mixes")
    channels = np.array(list(profile.channels), dtype=object)
    categories = np.array(list(profile.categories), dtype=object)
    category = _categories(profile, channels[channel], categories, mix)
    step("text")
    templates = templates_for_locale(locale)
    names_of = [str(c) for c in categories]
    subject = texts(profile.subject, templates, names_of, category, text, subject=True)
    body = texts(profile.description, templates, names_of, category, text, subject=False)
    step("sessions")
    columns = {
        "external_id": _fixed(f"S{seed}-", np.arange(n), max(8, len(str(n)))),
        "created_at": created,
        "channel": channels[channel],
        "category": categories[category],
        "priority": _draw(profile.priorities, n, mix, "normal"),
        "status": _draw(profile.statuses, n, mix, "new"),
        "subject": subject,
        "description": body,
        "customer_key": keys[owner],
        "customer_name": names[owner],
        "phone": phones[owner],
        "email": emails[owner],
        **_session_columns(profile, created, times),
    }
    step("frame")
    return pd.DataFrame(
        {
            name: pd.Series(columns[name], dtype=dtype)
            if name in columns
            else pd.Series(index=pd.RangeIndex(n), dtype=dtype)
            for name, dtype in TICKET_COLUMNS.items()
        }
    )


_NAT: Final = np.iinfo(np.int64).min


def _stamps(nanoseconds: np.ndarray) -> pd.DatetimeIndex:
    """UTC timestamps from epoch nanoseconds (int64 min is NaT)."""
    return pd.DatetimeIndex(nanoseconds.astype("datetime64[ns]")).tz_localize("UTC")


def _draw(mix: dict[str, Count], size: int, rng: np.random.Generator, default: str) -> np.ndarray:
    if not mix:
        return np.full(size, default, dtype=object)
    names = np.array(list(mix), dtype=object)
    shares = np.array([c.share for c in mix.values()])
    return names[rng.choice(len(names), size, p=shares / shares.sum())]


def _customers(
    profile: Profile, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, int, np.ndarray]:
    """Ticket -> customer number, number of customers, ticket -> channel code."""
    p = np.array([c.share for c in profile.channels.values()])
    p = p / p.sum()
    c = profile.customers
    if c is None or n == 0:
        return np.arange(n), n, rng.choice(len(p), n, p=p)
    sizes = np.array([*range(1, 20), max(20, round(c.tail_mean))])
    weights = np.array(list(c.tickets_per_customer.values()), dtype=np.float64)
    k = np.empty(0, dtype=np.int64)
    while k.sum() < n:
        more = int(n / max(c.tickets_per_customer_mean, 1.0) * 1.05) + 16
        k = np.concatenate([k, sizes[rng.choice(len(sizes), more, p=weights / weights.sum())]])
    cum = np.cumsum(k)
    m = int(np.searchsorted(cum, n)) + 1
    k = k[:m].copy()
    k[-1] -= int(cum[m - 1] - n)
    owner = rng.permutation(np.repeat(np.arange(m), k))
    home = rng.choice(len(p), m, p=p)
    differ = 1 - (p[None, :] ** k[k >= 2, None]).sum(axis=1)  # P(not all on one channel)
    q = min(1.0, c.multi_channel_share * m / differ.sum()) if differ.sum() > 0 else 0.0
    multi = (k >= 2) & (rng.random(m) < q)
    channel = home[owner]
    fresh = multi[owner]
    channel[fresh] = rng.choice(len(p), int(fresh.sum()), p=p)
    return owner, m, channel


def _categories(
    profile: Profile, channel: np.ndarray, categories: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    index = {name: i for i, name in enumerate(categories)}
    marginal = np.array([c.share for c in profile.categories.values()])
    out = np.empty(len(channel), dtype=np.int64)
    for name in np.unique(channel):
        rows = np.flatnonzero(channel == name)
        p = marginal.copy()
        row = profile.category_by_channel.get(str(name))
        if row:
            p = np.zeros(len(categories))
            for cat, share in row.items():
                p[index[cat]] = share
        out[rows] = rng.choice(len(categories), len(rows), p=p / p.sum())
    return out


def _identities(m: int, seed: int, locale: str, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Per customer: name, mobile, e-mail, customer_key (object arrays of str)."""
    faker = Faker(locale)
    faker.seed_instance(seed)
    last = np.array([faker.last_name() for _ in range(_NAMES)], dtype=object)
    first = np.array([faker.first_name() for _ in range(_NAMES)], dtype=object)
    users = np.array([faker.user_name() for _ in range(_NAMES)], dtype=object)
    a, b = rng.integers(_NAMES, size=(2, m))
    names = last[a] + first[b] if locale.startswith("zh") else first[b] + " " + last[a]
    number = np.arange(m, dtype=np.uint64) + np.uint64(rng.integers(10**8))
    suffix = (number * np.uint64(1_234_567_891)) % np.uint64(10**8)  # bijective below 10**8
    prefix = np.array(CN_MOBILE_PREFIXES, dtype=np.uint64)[
        rng.integers(len(CN_MOBILE_PREFIXES), size=m)
    ]
    phones = _fixed("", prefix * np.uint64(10**8) + suffix, 11)
    emails = (
        users[rng.integers(_NAMES, size=m)]
        + _fixed("", np.arange(m), max(6, len(str(m))))
        + "@"
        + _DOMAINS[rng.integers(3, size=m)]
    )
    salt = np.uint64(rng.integers(2**63)) | np.uint64(1)
    raw = (np.arange(m, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ salt  # bijective
    keys = (
        np.frombuffer(raw.astype(">u8").tobytes().hex().encode(), dtype="S16")
        .astype(str)
        .astype(object)
    )
    return names, phones, emails, keys


def _fixed(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded ``numbers`` (ASCII), vectorised."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.uint64)
    digits = (
        (numbers.astype(np.uint64)[:, None] // powers) % np.uint64(10) + np.uint64(48)
    ).astype(np.uint8)
    head = np.broadcast_to(
        np.frombuffer(prefix.encode(), dtype=np.uint8), (len(numbers), len(prefix))
    )
    matrix = np.ascontiguousarray(np.hstack([head, digits]))
    return matrix.view(f"S{width + len(prefix)}").ravel().astype(str).astype(object)


def _session_columns(
    profile: Profile, created: pd.DatetimeIndex, rng: np.random.Generator
) -> dict[str, object]:
    n = len(created)
    columns: dict[str, object] = {}
    sessions = profile.sessions
    if sessions.messages is not None:
        values = np.maximum(np.round(sessions.messages.sample(rng, n)), 1).astype("int64")
        has = rng.random(n) < sessions.messages_share
        messages = pd.array(values, dtype="Int64")
        messages[~has] = pd.NA
        columns["messages"] = messages
    assigned = np.full(n, _NAT)
    for name, delay in (("assigned_at", profile.routing), ("resolved_at", profile.resolution)):
        if delay is None:
            continue
        stamp = created.asi8 + np.round(delay.seconds.sample(rng, n) * 1e9).astype("int64")
        if name == "resolved_at":
            stamp = np.maximum(stamp, assigned)
        stamp = np.where(rng.random(n) < delay.share, stamp, _NAT)
        if name == "assigned_at":
            assigned = stamp
        columns[name] = _stamps(stamp)
    if profile.agents:
        agents = _fixed("A", rng.integers(profile.agents, size=n), max(4, len(str(profile.agents))))
        if profile.routing is not None:
            agents[assigned == _NAT] = None
        columns["agent"] = agents
    return columns
