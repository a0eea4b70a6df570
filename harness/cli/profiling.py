"""``csm-harness profile`` and ``csm-harness generate``: thin calls into :mod:`harness.data`.

pandas, scipy and the data modules are imported inside the commands: importing them here would
add seconds to every other ``csm-harness`` command.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer

from harness.atomic import write_text
from harness.cli.console import progress_bar, say, table
from harness.cli.messages import detect_lang, msg
from harness.config.durations import parse_duration
from harness.errors import ConfigError
from harness.i18n import Lang

if TYPE_CHECKING:
    import pandas as pd

    from harness.data.profile_model import Count, Profile
    from harness.data.traffic import TrafficNumbers

LangOption = Annotated[str | None, typer.Option(help="en or zh-CN (default: from the locale).")]
_SPAN: Final = re.compile(r"^(?:(\d+(?:\.\d+)?)w)?(?:(\d+(?:\.\d+)?)d)?(.*)$")
_PHASES: Final = ("arrivals", "customers", "mixes", "text", "sessions", "frame")


def profile(
    table_path: Annotated[Path, typer.Argument(metavar="TABLE", help="Ticket table (Parquet).")],
    out: Annotated[Path, typer.Option(help="Where to write the profile.")] = Path("profile.json"),
    timezone: Annotated[str, typer.Option(help="The desk's local time zone.")] = "Asia/Shanghai",
    lang: LangOption = None,
) -> None:
    """Measure a ticket table: arrivals per 15 min of the week, mixes, text and session lengths."""
    from harness.data.profile import build_profile

    language = detect_lang(lang)
    _check_timezone(timezone)
    frame = _read_table(table_path)
    result = build_profile(frame, timezone=timezone, source=table_path.name)
    write_text(out, result.to_json())
    _profile_summary(result, language)
    say(msg("profile.written", language, path=out))


def generate(
    profile_path: Annotated[Path, typer.Option("--profile", help="profile.json to match.")],
    out: Annotated[Path, typer.Option(help="Ticket table to write (Parquet).")],
    tickets: Annotated[int | None, typer.Option(min=1, help="Number of tickets.")] = None,
    duration: Annotated[str | None, typer.Option(help="Period: 1d, 12h, 1w, 1d12h.")] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same output.")] = 1,
    locale: Annotated[str, typer.Option(help="zh_CN or en_US.")] = "zh_CN",
    start: Annotated[
        str | None,
        typer.Option(help="Start, e.g. 2026-11-11 (default: the day after the profile)."),
    ] = None,
    peak_multiplier: Annotated[float, typer.Option(help="x on the peak hours (10 = 11.11).")] = 1.0,
    peak_hours: Annotated[int, typer.Option(help="Busiest hours per day to raise; 0 = all.")] = 0,
    compress: Annotated[float, typer.Option(help="Replay speed-up: 144 = a day in 10 min.")] = 1.0,
    schedule: Annotated[Path | None, typer.Option(help="Also write a replay schedule.")] = None,
    lang: LangOption = None,
) -> None:
    """Synthetic tickets matching a profile, and a replay schedule with intended start times."""
    import pandas as pd

    from harness.data.generate import Locale
    from harness.data.generate import generate as generate_tickets
    from harness.data.profile_model import Profile
    from harness.data.traffic import expected_load, write_schedule

    language = detect_lang(lang)
    if tickets is None and duration is None:
        raise ConfigError("give --tickets N or --duration (e.g. 1d); both is fine too.")
    if locale not in ("zh_CN", "en_US"):
        raise ConfigError(f"--locale {locale!r}: use zh_CN or en_US.")
    chosen: Locale = "zh_CN" if locale == "zh_CN" else "en_US"
    spec = Profile.load(profile_path)
    span = _span(duration) if duration is not None else None
    begin = _start(start, spec)
    with progress_bar(msg("generate.progress", language, phase=_PHASES[0]), len(_PHASES)) as bar:

        def step(phase: str) -> None:
            done = _PHASES.index(phase) if phase in _PHASES else 0
            bar.update(done, msg("generate.progress", language, phase=phase))

        frame = generate_tickets(
            spec, tickets=tickets, duration_s=span, seed=seed, locale=chosen, start=begin,
            peak_multiplier=peak_multiplier, peak_hours=peak_hours, progress=step,
        )  # fmt: skip
        bar.update(len(_PHASES), msg("generate.progress", language, phase="done"))
    period = span if span is not None else _covered(frame, begin)
    numbers = expected_load(
        spec, start=begin, duration_s=period, peak_multiplier=peak_multiplier,
        peak_hours=peak_hours, compression=compress, count=len(frame),
    )  # fmt: skip
    _write_parquet(out, frame)
    if schedule is not None:
        offsets = (frame["created_at"] - pd.Timestamp(begin)).dt.total_seconds().to_numpy()
        write_schedule(schedule, offsets / compress, frame, compression=compress, start=begin)
    _generate_summary(frame, numbers, spec.arrivals.timezone, language)
    if compress != 1:
        say(msg("generate.compress_note", language))
    say(msg("generate.written", language, path=out))
    if schedule is not None:
        say(msg("generate.schedule", language, path=schedule))


def _check_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"--timezone {name!r}: unknown time zone; e.g. Asia/Shanghai.") from None


def _read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    if not path.is_file():
        raise ConfigError(f"{path}: no such file.")
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise ConfigError(
            f"{path}: not a readable Parquet ticket table ({type(exc).__name__}); "
            "make one with 'csm-harness anonymise'."
        ) from None


def _span(text: str) -> float:
    """Seconds in "1d", "1w", "1d12h", "90m", "600s"."""
    match = _SPAN.match(text.strip())
    weeks, days, rest = match.groups() if match else (None, None, text)
    seconds = float(weeks or 0) * 7 * 86400 + float(days or 0) * 86400
    try:
        seconds += parse_duration(rest) if rest else 0.0
    except ValueError as exc:
        raise ConfigError(
            f"--duration {text!r}: {exc}, or days/weeks such as '1d' or '1w'."
        ) from None
    if seconds <= 0:
        raise ConfigError(f"--duration {text!r}: must be longer than 0.")
    return seconds


def _start(text: str | None, spec: Profile) -> datetime:
    import pandas as pd

    from harness.data.generate import default_start

    if text is None:
        return default_start(spec)
    try:
        stamp = pd.Timestamp(text)
    except ValueError:
        raise ConfigError(
            f"--start {text!r}: not a date; write e.g. 2026-11-11 or 2026-11-11T20:00."
        ) from None
    stamp = stamp.tz_localize(spec.arrivals.timezone) if stamp.tzinfo is None else stamp
    start: datetime = stamp.to_pydatetime()
    return start


def _covered(frame: pd.DataFrame, begin: datetime) -> float:
    import pandas as pd

    if frame.empty:
        return 1.0
    return max(float((frame["created_at"].max() - pd.Timestamp(begin)).total_seconds()), 1.0)


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    partial = path.with_name(path.name + ".partial")
    frame.to_parquet(partial, index=False)
    partial.replace(path)


def _top(mix: dict[str, Count], n: int = 4) -> str:
    return ", ".join(f"{name} {c.share:.0%}" for name, c in list(mix.items())[:n])


def _day(stamp: str, tz: str) -> str:
    import pandas as pd

    return f"{pd.Timestamp(stamp).tz_convert(tz):%Y-%m-%d}"


def _seconds(value: float) -> str:
    if value < 120:
        return f"{value:.3g} s"
    return f"{value:.0f} s ({value / 60:.1f} min)" if value < 7200 else f"{value / 3600:.1f} h"


def _rate(per_s: float) -> str:
    per_min = per_s * 60
    return (
        f"{per_s:.3g}/s ({per_min:,.0f}/min)"
        if per_min >= 100
        else f"{per_s:.3g}/s ({per_min:.3g}/min)"
    )


def _profile_summary(p: Profile, lang: Lang) -> None:
    a = p.arrivals
    daily, tz, days = a.tickets_per_day, a.timezone, a.days_observed
    rows = [
        ("summary.rows", f"{p.source.rows}"),
        ("summary.period", f"{_day(p.source.first, tz)} .. {_day(p.source.last, tz)} ({days} d)"),
        ("summary.per_day", f"{daily.mean:.1f} ± {daily.sd:.1f}"),
        ("summary.day_factor", f"k = {daily.gamma_shape}" if daily.gamma_shape else "-"),
        ("summary.busiest_hours", ", ".join(f"{h:02d}:00" for h in a.busiest_hours)),
        ("summary.channels", _top(p.channels)),
        ("summary.categories", _top(p.categories)),
    ]
    if p.customers is not None:
        rows.append(("summary.repeat", f"{p.customers.repeat_share:.1%}"))
        rows.append(("summary.multi_channel", f"{p.customers.multi_channel_share:.1%}"))
    rows.append(("summary.session", _seconds(p.sessions.duration_s)))
    if p.routing is not None:
        s = p.routing.seconds.summary
        rows.append(("summary.routing", f"p50 {s['p50']:.3g} s, p95 {s['p95']:.3g} s"))
    _show(rows, lang)


def _generate_summary(frame: pd.DataFrame, n: TrafficNumbers, tz: str, lang: Lang) -> None:
    local = frame["created_at"].dt.tz_convert(tz)
    period = f"{local.min():%Y-%m-%d %H:%M} .. {local.max():%Y-%m-%d %H:%M} ({tz})"
    rows = [
        ("summary.rows", f"{len(frame)}"),
        ("summary.period", period if len(frame) else "-"),
        ("summary.mean_rate", _rate(n.mean_rate_per_s)),
        ("summary.peak_rate", _rate(n.peak_rate_per_s)),
        ("summary.session", _seconds(n.session_s)),
        ("summary.concurrency", f"{n.mean_concurrency:.1f} / {n.peak_concurrency:.1f}"),
        ("summary.compression", f"x{n.compression:g} -> {_seconds(n.replay_s)}"),
    ]
    _show(rows, lang)


def _show(rows: list[tuple[str, str]], lang: Lang) -> None:
    table(
        [msg("table.measure", lang), msg("table.value", lang)],
        [(msg(key, lang), value) for key, value in rows],
    )
