"""The plain notes under a run's summary: why a number may mislead (late arrivals, drift, a
saturated or busy machine, tickets cut at the end, an early stop, rejected webhooks) and how
routing latency was observed. The words live in :data:`NOTE_MESSAGES`; the rules here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

from harness.i18n import Text, lookup, merge, text
from harness.results.model import Drift, Note

if TYPE_CHECKING:
    from harness.analysis.saturation import Saturation
    from harness.metrics.process_state import ProcessState

__all__ = ["NOTE_MESSAGES", "run_notes", "saturation_notes"]

_LEVELS: Final[dict[str, Literal["info", "warning"]]] = {
    "late": "warning",
    "drift": "warning",
    "saturated": "warning",
    "busy": "info",
    "cut": "warning",
    "stopped": "warning",
    "rejected": "warning",
    "polling": "info",
    "webhooks": "info",
}

NOTE_MESSAGES: Final[dict[str, Text]] = merge(
    {
        "late": text(
            "Insufficient users: {late} arrivals started late (max lag {lag:.1f} s); raise "
            "load.max_users or lower {lower}. Their latency is measured from the intended start.",
            "用户不足：{late} 个到达晚于计划开始（最大延迟 {lag:.1f} 秒）；请提高 "
            "load.max_users 或降低{lower}。其延迟从计划开始时间算起。",
        ),
        "drift": text(
            "Drift: routing p95 in the soak's last window is {ratio:.1f}x the first window's "
            "(limit {limit:g}x): the vendor slows down as the run goes on.",
            "漂移：浸泡测试最后一段的路由延迟 p95 是第一段的 {ratio:.1f} 倍（上限 {limit:g} 倍）："
            "厂商随运行时间变慢。",
        ),
        "saturated": text(
            "Results unreliable: generator saturated. The load {source} CPU was at 90 % or more "
            "of a core for {saturated} of {samples} s ({share} %): latencies include the "
            "harness's own queueing. Add workers or machines, or lower the load, and run again.",
            "结果不可靠：压测机饱和。压测进程 {process} CPU 在 {samples} 秒中有 {saturated} 秒"
            "（{share}%）不低于单核 90%：延迟包含压测机自身排队。"
            "请增加 worker 或机器，或降低负载后重跑。",
        ),
        "busy": text(
            "Machine busy: other processes used {others:.0f} % of the machine while the harness "
            "used {harness:.0f} %. The harness itself was not saturated; latencies may include "
            "the machine's contention (the vendor under test may be one of the other processes).",
            "机器繁忙：其他进程占用整机 {others:.0f}%，压测工具占用 {harness:.0f}%。"
            "压测工具本身未饱和；延迟可能包含整机争用（被测厂商可能也在其中）。",
        ),
        "cut": text(
            "{cut} tickets were still waiting for an agent when the run ended; they count "
            "neither as routed nor as unrouted.",
            "运行结束时仍有 {cut} 个工单等待分配；它们既不计为已分配也不计为未分配。",
        ),
        "stopped": text(
            "The run was stopped early by {reason}: results are incomplete.",
            "运行因 {reason} 提前停止：结果不完整。",
        ),
        "rejected": text(
            "{rejected} webhook deliveries failed signature verification and were ignored.",
            "{rejected} 次 webhook 投递签名校验失败，已忽略。",
        ),
        "polling": text(
            "Routing latency was observed by polling every {interval_ms:.0f} ms: each value is "
            "over-stated by at most one interval.",
            "路由延迟通过每 {interval_ms:.0f} 毫秒轮询观测：每个值最多高估一个轮询间隔。",
        ),
        "webhooks": text(
            "Routing latency was observed by the vendor's assignment webhooks (exact up to "
            "delivery time).",
            "路由延迟通过厂商的分配 webhook 观测（误差仅为投递时间）。",
        ),
    },
    {  # what to lower, besides raising load.max_users, when arrivals start late: per load kind
        "lower.step": text("the stage rates", "各阶段的到达率"),
        "lower.spike": text("load.peak", " load.peak"),
        "lower.replay": text(
            "load.compress or load.peak_multiplier", " load.compress 或 load.peak_multiplier"
        ),
        "lower.other": text("the rate", "到达率"),
    },
)


def _note(key: str, **fmt: object) -> Note:
    return Note(
        level=_LEVELS[key],
        en=lookup(NOTE_MESSAGES, key, "en", **fmt),
        zh=lookup(NOTE_MESSAGES, key, "zh-CN", **fmt),
    )


def saturation_notes(saturation: Saturation) -> list[Note]:
    """One note at most: the harness saturated (results unreliable), or only the machine busy."""
    worst = saturation.worst
    if saturation.unreliable and worst is not None:
        return [
            _note(
                "saturated",
                source=worst.source,
                process=worst.source.removeprefix("process "),
                saturated=worst.saturated,
                samples=worst.samples,
                share=f"{worst.share * 100:.0f}",
            )
        ]
    if saturation.machine_busy:
        return [_note("busy", others=saturation.others_percent, harness=saturation.harness_percent)]
    return []


def run_notes(
    processes: Sequence[ProcessState],
    *,
    kind: str,
    drift: Drift | None,
    saturation: Saturation,
    cut_reason: str | None,
    probe: Mapping[str, Any],
) -> list[Note]:
    notes: list[Note] = []
    late = sum(p.late for p in processes)
    if late:
        lower_key = f"lower.{kind}" if f"lower.{kind}" in NOTE_MESSAGES else "lower.other"
        lower = {lang: NOTE_MESSAGES[lower_key][lang] for lang in ("en", "zh-CN")}
        lag = max(p.max_lag_s for p in processes)
        notes.append(
            Note(
                level="warning",
                en=lookup(NOTE_MESSAGES, "late", "en", late=late, lag=lag, lower=lower["en"]),
                zh=lookup(NOTE_MESSAGES, "late", "zh-CN", late=late, lag=lag, lower=lower["zh-CN"]),
            )
        )
    if drift is not None and drift.drifted and drift.ratio is not None:
        notes.append(_note("drift", ratio=drift.ratio, limit=drift.limit))
    notes.extend(saturation_notes(saturation))
    cut = sum(p.cut for p in processes)
    if cut:
        notes.append(_note("cut", cut=cut))
    if cut_reason or any(p.budget_exhausted for p in processes):
        notes.append(_note("stopped", reason=cut_reason or "bounds.max_requests"))
    rejected = sum(p.rejected_webhooks for p in processes)
    if rejected:
        notes.append(_note("rejected", rejected=rejected))
    if probe["mode"] == "polling":
        notes.append(_note("polling", interval_ms=probe["poll_interval_s"] * 1000))
    else:
        notes.append(_note("webhooks"))
    return notes
