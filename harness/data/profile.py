"""Profile a ticket table (:data:`~harness.data.schema.TICKET_COLUMNS`) into ``profile.json``.

What is measured (the schema is :mod:`harness.data.profile_model`):

- arrivals: tickets per 15-minute slot of the local week (Mon 00:00 first), as a rate per
  second averaged over the weekdays observed; per-weekday and per-hour tickets/day; daily totals
  with their **residual** CV (each day divided by its weekday's mean, so the weekly pattern is
  not counted as noise) and the Gamma shape ``k`` of a day factor ``G ~ Gamma(k, 1/k)``:
  ``1/k = residual_cv**2 - mean(1/mu_weekday)`` (the Poisson part is removed); ``None`` when
  a chi-square dispersion test does not reject Poisson days at 1 % or fewer than 14 days were
  observed. Days are local calendar days from
  the first to the last ticket; a partial first or last day counts as a whole one. Special days
  (11.11, 618) are reported in ``busiest_days``, not removed.
- mixes of channel, category, priority, status (missing values left out and noted) and the
  category mix of each channel;
- text lengths (characters) of subject and description;
- sessions: messages per session from ``messages``; session length from ``resolved_at`` on chat
  channels when there are at least 30 such sessions, else ``mean messages x`` a default
  40 s think time (:data:`DEFAULT_THINK_S`); 12 messages (:data:`DEFAULT_MESSAGES`) when
  there is no ``messages`` column;
- customers (``customer_key``): tickets per customer, repeat share, share seen on 2+ channels;
- routing (``assigned_at - created_at``) and resolution delays, number of agents.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from harness.data.profile_model import (
    DAYS,
    Arrivals,
    Count,
    Customers,
    DailyTotals,
    Delay,
    Distribution,
    PeakDay,
    Period,
    Profile,
    Sessions,
    Source,
    TextLengths,
    sig,
)
from harness.errors import ConfigError

__all__ = ["DEFAULT_MESSAGES", "DEFAULT_THINK_S", "Profile", "build_profile"]

DEFAULT_MESSAGES: Final = 12.0
DEFAULT_THINK_S: Final = 40.0  # 12 x 40 s = 480 s, near the 496 s stand-in session of the research
CHAT_CHANNELS: Final = frozenset({"chat", "wechat", "app", "weibo"})
_SLOT_S: Final = 900
_MIN_GAMMA_DAYS: Final = 14
_DISPERSION_ALPHA: Final = 0.01


def build_profile(
    frame: pd.DataFrame, *, timezone: str = "Asia/Shanghai", source: str | None = None
) -> Profile:
    """Measure ``frame`` (one row per ticket); ``source`` is the file name to record."""
    missing = [c for c in ("created_at", "channel", "category") if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"{source or 'the table'}: missing column(s) {', '.join(missing)}; a profile needs "
            "created_at, channel and category (see harness/data/schema.py)."
        )
    created = pd.to_datetime(frame["created_at"], utc=True)
    frame = frame.loc[created.notna().to_numpy()]
    created = created[created.notna()]
    if frame.empty:
        raise ConfigError(f"{source or 'the table'}: no rows with a created_at time to profile.")
    notes: list[str] = []
    mixes = {
        name: _mix(frame, name, notes) for name in ("channel", "category", "priority", "status")
    }
    if not mixes["channel"] or not mixes["category"]:
        raise ConfigError(f"{source or 'the table'}: channel or category is empty in every row.")
    return Profile(
        source=Source(
            file=source,
            rows=len(frame),
            first=created.min().isoformat(),
            last=created.max().isoformat(),
            columns=[str(c) for c in frame.columns],
        ),
        arrivals=_arrivals(created, timezone),
        channels=mixes["channel"],
        categories=mixes["category"],
        priorities=mixes["priority"],
        statuses=mixes["status"],
        category_by_channel=_crosstab(frame),
        subject=_text(frame, "subject"),
        description=_text(frame, "description"),
        sessions=_sessions(frame, created, notes),
        customers=_customers(frame),
        routing=_delay(frame, created, "assigned_at", notes),
        resolution=_delay(frame, created, "resolved_at", notes),
        agents=int(frame["agent"].nunique())
        if "agent" in frame and frame["agent"].notna().any()
        else None,
        notes=notes,
    )


def _arrivals(created: pd.Series, timezone: str) -> Arrivals:
    local = created.dt.tz_convert(timezone)
    days = local.dt.normalize()
    dates = pd.date_range(days.min(), days.max(), freq="D")
    weekday_days = np.bincount(dates.day_of_week, minlength=7).astype(np.float64)
    slot = (local.dt.day_of_week * 96 + local.dt.hour * 4 + local.dt.minute // 15).to_numpy()
    counts = np.bincount(slot, minlength=672).reshape(7, 96).astype(np.float64)
    rates = np.empty_like(counts)
    seen = weekday_days > 0
    rates[seen] = counts[seen] / (weekday_days[seen, None] * _SLOT_S)
    rates[~seen] = counts.sum(axis=0) / (len(dates) * _SLOT_S)  # unseen weekday: the average day
    daily = days.value_counts().reindex(dates, fill_value=0)
    total = float(len(created))
    by_hour = np.bincount(local.dt.hour.to_numpy(), minlength=24)
    weekday_total = counts.sum(axis=1)
    return Arrivals(
        timezone=timezone,
        days_observed=len(dates),
        tickets_per_day=_daily(daily),
        by_day_of_week={
            d: Period(
                tickets_per_day=sig(weekday_total[i] / weekday_days[i]) if seen[i] else 0.0,
                share=sig(weekday_total[i] / total, 4),
            )
            for i, d in enumerate(DAYS)
        },
        by_hour={
            f"{h:02d}": Period(
                tickets_per_day=sig(by_hour[h] / len(dates)), share=sig(by_hour[h] / total, 4)
            )
            for h in range(24)
        },
        busiest_hours=[int(h) for h in np.argsort(-by_hour, kind="stable")[:3] if by_hour[h]],
        busiest_days=_busiest_days(daily),
        slot_rates_per_s={d: [sig(r) for r in rates[i]] for i, d in enumerate(DAYS)},
    )


def _weekday_ratio(daily: pd.Series) -> tuple[pd.Series, pd.Series]:
    weekday = pd.Series(pd.DatetimeIndex(daily.index).day_of_week, index=daily.index)
    expected = weekday.map(daily.groupby(weekday).mean())
    return daily / expected.where(expected > 0), expected


def _daily(daily: pd.Series) -> DailyTotals:
    from scipy.stats import chi2  # 1-2 s to import: only when profiling

    mean = float(daily.mean())
    sd = float(daily.std(ddof=1)) if len(daily) > 1 else 0.0
    ratio, expected = _weekday_ratio(daily)
    ratio = ratio.dropna()
    residual = float(ratio.std(ddof=1)) if len(ratio) > 1 else 0.0
    poisson = float((1 / expected[expected > 0]).mean()) if (expected > 0).any() else 0.0
    dof = len(ratio) - int(pd.DatetimeIndex(ratio.index).day_of_week.nunique())
    # dispersion test: under Poisson days, dof * residual^2 / poisson ~ chi2(dof)
    p_value = float(chi2.sf(dof * residual**2 / poisson, dof)) if dof > 0 and poisson else 1.0
    shape: float | None = None
    if len(daily) < _MIN_GAMMA_DAYS:
        note = f"{len(daily)} days observed (< {_MIN_GAMMA_DAYS}): no day factor fitted"
    elif p_value > _DISPERSION_ALPHA:
        note = f"days vary within Poisson noise (dispersion test p = {p_value:.2g}): no day factor"
    else:
        shape = sig(1 / (residual**2 - poisson))
        note = (
            f"day factor Gamma(k, 1/k), k = 1/(residual_cv^2 - Poisson part {sig(poisson, 3)}); "
            f"dispersion test p = {p_value:.2g}"
        )
    return DailyTotals(
        mean=sig(mean),
        sd=sig(sd),
        cv=sig(sd / mean) if mean else 0.0,
        residual_cv=sig(residual),
        gamma_shape=shape,
        note=note,
    )


def _busiest_days(daily: pd.Series) -> list[PeakDay]:
    ratio, _ = _weekday_ratio(daily)
    top = ratio.dropna().sort_values(ascending=False, kind="stable").head(3)
    days = pd.DatetimeIndex(top.index)
    counts = daily.loc[days].to_numpy()
    return [
        PeakDay(date=day.date().isoformat(), tickets=int(n), ratio=sig(float(r), 3))
        for day, n, r in zip(days, counts, top.to_numpy(), strict=True)
    ]


def _mix(frame: pd.DataFrame, column: str, notes: list[str]) -> dict[str, Count]:
    if column not in frame:
        return {}
    values = frame[column].astype("string")
    missing = int(values.isna().sum())
    if missing:
        notes.append(f"{column}: {missing} rows without a value are left out of the mix")
    counts = values.dropna().value_counts(sort=True)
    total = int(counts.sum())
    return {str(k): Count(count=int(v), share=sig(v / total)) for k, v in counts.items()}


def _crosstab(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    table = pd.crosstab(
        frame["channel"].astype("string"), frame["category"].astype("string"), normalize="index"
    )
    return {
        str(ch): {str(cat): sig(float(v)) for cat, v in row.items() if v > 0}
        for ch, row in table.iterrows()
    }


def _lengths(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype("string").str.strip().str.len()


def _text(frame: pd.DataFrame, column: str) -> TextLengths:
    if column not in frame:
        return TextLengths(empty_share=1.0, chars=None)
    lengths = _lengths(frame, column).fillna(0).to_numpy(dtype=np.float64)
    filled = lengths[lengths > 0]
    return TextLengths(
        empty_share=sig(1 - filled.size / max(lengths.size, 1), 4),
        chars=Distribution.of(filled, histogram=True),
    )


def _sessions(frame: pd.DataFrame, created: pd.Series, notes: list[str]) -> Sessions:
    messages = None
    if "messages" in frame:
        values = pd.to_numeric(frame["messages"], errors="coerce").astype("Float64")
        messages = values.where(values > 0)
    if messages is None or messages.notna().sum() == 0:
        return Sessions(
            messages=None,
            messages_share=0.0,
            mean_messages=DEFAULT_MESSAGES,
            messages_source="default",
            think_time_s=DEFAULT_THINK_S,
            think_time_source="default",
            duration_s=DEFAULT_MESSAGES * DEFAULT_THINK_S,
            duration=None,
            note="no messages column: default 12 messages x 40 s think time",
        )
    dist = Distribution.of(messages.dropna().to_numpy(dtype=np.float64))
    assert dist is not None
    mean_messages = dist.mean
    think, duration, think_source = DEFAULT_THINK_S, None, "default"
    if "resolved_at" in frame:
        start = (
            pd.to_datetime(frame["assigned_at"], utc=True).fillna(created)
            if "assigned_at" in frame
            else created
        )
        seconds = (pd.to_datetime(frame["resolved_at"], utc=True) - start).dt.total_seconds()
        chat = frame["channel"].astype("string").isin(CHAT_CHANNELS).fillna(False)
        ok = (
            (chat & seconds.gt(0) & seconds.le(4 * 3600) & messages.notna())
            .fillna(False)
            .to_numpy(dtype=bool)
        )
        if ok.sum() >= 30:
            duration = Distribution.of(seconds[ok].to_numpy(dtype=np.float64))
            ratio = seconds[ok].to_numpy(dtype=np.float64) / messages[ok].to_numpy(dtype=np.float64)
            think, think_source = sig(float(np.median(ratio))), "derived"
    if duration is None:
        notes.append(
            "session length = mean messages x default think time 40 s (no chat resolved_at)"
        )
    return Sessions(
        messages=dist,
        messages_share=sig(messages.notna().mean(), 4),
        mean_messages=mean_messages,
        messages_source="column",
        think_time_s=think,
        think_time_source=think_source,  # type: ignore[arg-type]
        duration_s=duration.mean if duration is not None else sig(mean_messages * think),
        duration=duration,
        note="session length from resolved_at on chat channels"
        if duration
        else "think time is a default",
    )


def _customers(frame: pd.DataFrame) -> Customers | None:
    if "customer_key" not in frame or frame["customer_key"].isna().all():
        return None
    known = frame.loc[frame["customer_key"].notna(), ["customer_key", "channel"]]
    grouped = known.groupby("customer_key", sort=False)
    tickets = grouped.size().to_numpy()
    channels = grouped["channel"].nunique().to_numpy()
    per = {str(k): int((tickets == k).sum()) for k in range(1, 20)}
    per["20+"] = int((tickets >= 20).sum())
    tail = tickets[tickets >= 20]
    return Customers(
        customers=int(tickets.size),
        tickets_per_customer_mean=sig(float(tickets.mean())),
        repeat_share=sig(float((tickets >= 2).mean()), 4),
        repeat_ticket_share=sig(float(tickets[tickets >= 2].sum() / tickets.sum()), 4),
        multi_channel_share=sig(float((channels >= 2).mean()), 4),
        tickets_per_customer=per,
        tail_mean=sig(float(tail.mean())) if tail.size else 20.0,
    )


def _delay(frame: pd.DataFrame, created: pd.Series, column: str, notes: list[str]) -> Delay | None:
    if column not in frame or frame[column].isna().all():
        return None
    seconds = (pd.to_datetime(frame[column], utc=True) - created).dt.total_seconds()
    negative = int((seconds < 0).sum())
    if negative:
        notes.append(f"{column}: {negative} rows earlier than created_at are left out")
    valid = seconds[seconds >= 0].to_numpy(dtype=np.float64)
    dist = Distribution.of(valid, histogram=True)
    return Delay(share=sig(valid.size / len(frame), 4), seconds=dist) if dist is not None else None
