"""The sessions breakpoint's own words (issue 19): its level is a count of concurrent chat
sessions, not an arrival rate, and its throughput is agent replies a second.

Each key ``bps.X`` stands in for ``bp.X`` when the search is a sessions search (see
:func:`harness.report.breakpoint_level.level_key`); :mod:`harness.report.i18n` merges them.
"""

from __future__ import annotations

from harness.i18n import Text
from harness.i18n import text as _m

__all__ = ["SESSION_MESSAGES"]


SESSION_MESSAGES: dict[str, Text] = {
    "bps.level": _m("{count} sessions", "{count} 个会话"),
    "bps.first_bad": _m("First bad session count", "首个不达标的会话数"),
    "bps.peak": _m("Peak measured replies", "实测最高回复速率"),
    "bps.ceilings_value": _m(
        "{rate} · {time} · {processes} load processes", "{rate} · {time} · {processes} 个压测进程"
    ),
    "bps.agents": _m("Agents", "坐席"),
    "bps.agents.fixed": _m(
        "fixed at {agents}: the vendor's capacity to answer",
        "固定 {agents} 个：衡量厂商的应答能力",
    ),
    "bps.agents.scale": _m(
        "scaled with the sessions ({agents} per {sessions} sessions): the vendor's capacity "
        "to hold connections",
        "随会话数增加（每 {sessions} 个会话 {agents} 个）：衡量厂商的连接承载能力",
    ),
    "bps.stop.resolved": _m(
        "Bisected until the first bad session count was within {resolution} of the last good one.",
        "已二分至首个不达标的会话数与最后达标的会话数相差不超过 {resolution}。",
    ),
    "bps.stop.max_rate": _m(
        "Every step met the SLOs up to the session ceiling ({rate}): the breakpoint lies above it.",
        "直到会话数上限（{rate}）每一步都满足 SLO：断点高于该上限。",
    ),
    "bps.stop.max_time": _m(
        "Stopped at the time ceiling ({time}) before the search finished: the breakpoint is at "
        "least the last good session count.",
        "搜索未完成即达到时间上限（{time}）而停止：断点不低于最后达标的会话数。",
    ),
    "bps.stop.generator_limit": _m(
        "Stopped: the next step needs more load processes than this machine may run "
        "(max_processes); it was refused rather than run unreliably.",
        "已停止：下一步所需的压测进程数超过本机允许的数量（max_processes），"
        "为避免结果不可靠而拒绝运行。",
    ),
    "bps.slo.served_sessions": _m("Sessions served", "服务中会话数"),
    "bps.slo.message_growth": _m("Replies still rising", "回复速率仍在增长"),
    "bps.chart.concurrency": _m("Concurrent sessions served (measured)", "实测服务中的并发会话数"),
    "bps.chart.routed": _m("Agent replies per second", "每秒坐席回复数"),
    "bps.chart.offered_title": _m(
        "Agent replies against customer messages per second", "每秒坐席回复数与每秒客户消息数"
    ),
    "bps.chart.offered": _m("Customer messages per second", "每秒客户消息数"),
    "bps.series.ideal": _m("Replies = messages", "回复数 = 消息数"),
    "bps.col.rate": _m("Sessions", "会话数"),
    "bps.col.offered": _m("Messages sent", "客户消息"),
    "bps.col.routed": _m("Replies", "坐席回复"),
    "bps.col.ratio": _m("Replies / messages", "回复 / 消息"),
    "bps.col.concurrency": _m("Sessions served", "服务中会话"),
    "bps.col.p95": _m("Session routing p95", "会话分配 p95"),
    "bps.col.processes": _m("Processes", "进程数"),
    "bps.method.steps": _m(
        "Each step is a run of the scenario holding one number of concurrent chat sessions "
        "for {duration} after its ramp, with its own report.",
        "每一步在爬升后保持一个固定的并发会话数 {duration} 运行场景，并有独立报告。",
    ),
    "bps.method.window": _m(
        "Sessions served, replies and messages are measured by the harness from its own "
        "per-session records, over each step's hold after the first {warm_up}.",
        "服务中会话数、回复数和消息数均由压测工具根据自身的逐会话记录测得，"
        "测量窗口为每步保持阶段开头 {warm_up} 之后。",
    ),
    "bps.method.throughput": _m(
        "A step is good when every SLO holds, the vendor serves at least {share} of the target "
        "sessions, and replies a second still rise with the sessions.",
        "当所有 SLO 均满足、厂商服务的会话数不低于目标的 {share}，且每秒回复数仍随会话数"
        "增加时，该步达标。",
    ),
    "bps.method.concurrency": _m(
        "A session is served from the moment the customer sees an agent until it closes; one "
        "the vendor accepted but never routed is not served, however long it stays open.",
        "会话从客户看到坐席起至关闭止视为服务中；厂商已接受但从未分配的会话不计入，"
        "无论其保持打开多久。",
    ),
}
