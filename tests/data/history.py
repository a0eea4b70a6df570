"""A synthetic ticket history with known properties, built with plain numpy (not with the code
under test), for the profile, generate and traffic tests and the benchmark."""

from __future__ import annotations

import numpy as np
import pandas as pd

from harness.data.schema import TICKET_COLUMNS

CHANNELS = {"wechat": 0.45, "app": 0.2, "web": 0.15, "phone": 0.1, "email": 0.1}
CATEGORIES = ("refunds", "logistics", "quality", "billing", "complaint")
PRIORITIES = {"normal": 0.7, "high": 0.2, "low": 0.07, "urgent": 0.03}
START = pd.Timestamp("2026-03-02", tz="Asia/Shanghai")  # a Monday


def week_shape() -> np.ndarray:
    """672 relative rates: peaks at 10:30 and 21:00, quiet nights, weekend at 80 %."""
    minutes = np.arange(96) * 15 + 7.5
    day = (
        0.08
        + np.exp(-(((minutes - 630) / 110) ** 2))
        + 0.8 * np.exp(-(((minutes - 1260) / 90) ** 2))
    )
    return np.concatenate([day * (0.8 if d >= 5 else 1.0) for d in range(7)])


def category_by_channel() -> dict[str, np.ndarray]:
    """Email leans to billing, phone to complaints; the rest share one mix."""
    base = np.array([0.3, 0.3, 0.2, 0.1, 0.1])
    rows = dict.fromkeys(CHANNELS, base)
    rows["email"] = np.array([0.2, 0.1, 0.1, 0.5, 0.1])
    rows["phone"] = np.array([0.2, 0.2, 0.1, 0.1, 0.4])
    return rows


def history_frame(
    *, days: int = 28, per_day: float = 400.0, day_cv: float = 0.0, seed: int = 0
) -> pd.DataFrame:
    """``days`` from :data:`START`; ``day_cv`` > 0 multiplies each day by a Gamma factor with
    that coefficient of variation (over-dispersed days)."""
    rng = np.random.default_rng(seed)
    shape = week_shape()
    slots = days * 96
    rate = np.tile(shape, days // 7 + 1)[:slots]
    rate = rate / rate[: 7 * 96].sum() * 7 * per_day  # expected tickets per slot
    if day_cv > 0:
        k = 1 / day_cv**2
        rate = rate * np.repeat(rng.gamma(k, 1 / k, days), 96)
    counts = rng.poisson(rate)
    offsets = np.repeat(np.arange(slots) * 900.0, counts) + rng.random(counts.sum()) * 900
    offsets.sort()
    n = len(offsets)
    created = START.tz_convert("UTC") + pd.to_timedelta(offsets, unit="s")
    channel_names = np.array(list(CHANNELS))
    channel = channel_names[rng.choice(len(CHANNELS), n, p=list(CHANNELS.values()))]
    category = np.empty(n, dtype=object)
    for ch, p in category_by_channel().items():
        rows = channel == ch
        category[rows] = np.array(CATEGORIES)[rng.choice(len(CATEGORIES), rows.sum(), p=p)]
    # customers: 70 % one ticket, 20 % two, 10 % three; one in five repeat on another channel
    per_customer = rng.choice([1, 2, 3], size=n, p=[0.7, 0.2, 0.1])
    owner = np.repeat(np.arange(n), per_customer)[:n]
    owner = rng.permutation(owner)
    subject_len = rng.integers(4, 16, n)
    body_len = np.clip(np.round(rng.lognormal(np.log(55), 0.5, n)), 12, 400).astype(int)
    chat = np.isin(channel, ["wechat", "app"])
    messages = np.where(chat, rng.poisson(9, n) + 1, -1)
    assign_s = rng.exponential(40, n)
    resolve_s = assign_s + np.maximum(messages, 1) * rng.exponential(35, n)
    frame = pd.DataFrame(
        {
            "external_id": [f"T{i:07d}" for i in range(n)],
            "created_at": created,
            "assigned_at": created + pd.to_timedelta(assign_s, unit="s"),
            "resolved_at": created + pd.to_timedelta(resolve_s, unit="s"),
            "channel": channel,
            "category": category,
            "priority": np.array(list(PRIORITIES))[
                rng.choice(len(PRIORITIES), n, p=list(PRIORITIES.values()))
            ],
            "status": "solved",
            "subject": ["问" * k for k in subject_len],
            "description": ["字" * k for k in body_len],
            "customer_key": [f"c{o:08d}" for o in owner],
            "customer_name": "张三",
            "phone": "13800000000",
            "email": "a@example.com",
            "agent": [f"A{a:03d}" for a in rng.integers(0, 50, n)],
            "messages": pd.array(np.where(messages > 0, messages, 0), dtype="Int64"),
        }
    )
    frame.loc[~chat, "messages"] = pd.NA
    for name in ("first_response_at", "id_number", "address", "order_number"):
        frame[name] = None
    return frame.astype(TICKET_COLUMNS)
