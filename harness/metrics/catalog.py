"""The metrics the harness knows: one name, one kind, titles in English and Chinese.

A metric's kind fixes what can be recorded into it (``harness.metrics.series``) and which
threshold aggregates apply (``harness.config.thresholds``):

- ``trend``: durations in ms, kept as histograms (percentiles, avg, min, max).
- ``rate``: the share of hits among all events (failed requests among all requests).
- ``counter``: a plain count (tickets created).

``sessions_open`` is a gauge kept as a counter: every load process adds the number of chat
sessions it holds open once a second, so the value at a second is the run's concurrency then,
and the counter's ``rate`` (total / run seconds) is the mean concurrency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = ["METRICS", "MetricInfo", "MetricKind"]


class MetricKind(StrEnum):
    TREND = "trend"
    """Durations in ms."""
    RATE = "rate"
    """Share of hits among the total."""
    COUNTER = "counter"
    """A plain count."""


@dataclass(frozen=True, slots=True)
class MetricInfo:
    name: str
    kind: MetricKind
    title_en: str
    title_zh: str
    description: str


def _catalog(*infos: MetricInfo) -> Mapping[str, MetricInfo]:
    return MappingProxyType({info.name: info for info in infos})


METRICS: Mapping[str, MetricInfo] = _catalog(
    MetricInfo(
        "ticket_create",
        MetricKind.TREND,
        "Ticket creation latency",
        "工单创建延迟",
        "From the arrival's intended start to the vendor's answer, so time lost in the load "
        "generator counts too (no coordinated omission).",
    ),
    MetricInfo(
        "http_req_duration",
        MetricKind.TREND,
        "HTTP request duration",
        "HTTP 请求耗时",
        "Every HTTP request, from the actual send to the complete answer.",
    ),
    MetricInfo(
        "routing_latency",
        MetricKind.TREND,
        "Routing latency",
        "路由延迟",
        "From ticket created to assigned to an agent, as seen by webhook (exact up to delivery) "
        "or polling (each assignment lies between the last poll that saw the ticket unassigned "
        "and the first that saw it assigned; percentiles spread each ticket over that bracket).",
    ),
    MetricInfo(
        "routing_latency_vendor",
        MetricKind.TREND,
        "Routing latency (vendor clock)",
        "路由延迟（厂商时钟）",
        "From the create request to the assignment time the vendor recorded, moved onto the "
        "harness's clock by the offset estimated from the vendor's Date headers (see run info "
        "for the offset and its bound).",
    ),
    MetricInfo(
        "routing_bracket",
        MetricKind.TREND,
        "Polling bracket width",
        "轮询区间宽度",
        "Per polled ticket: the time between the last poll that saw it unassigned and the "
        "first that saw it assigned (the routing estimate is within half of it).",
    ),
    MetricInfo(
        "errors",
        MetricKind.RATE,
        "Error rate",
        "错误率",
        "Failed ticket and message operations / those operations (probe and set-up requests "
        "are counted apart).",
    ),
    MetricInfo(
        "probe_requests",
        MetricKind.COUNTER,
        "Probe requests",
        "探测请求数",
        "Requests that read assignments back (polling), apart from ticket operations.",
    ),
    MetricInfo(
        "probe_errors",
        MetricKind.RATE,
        "Probe error rate",
        "探测错误率",
        "Failed probe requests / probe requests.",
    ),
    MetricInfo(
        "setup_requests",
        MetricKind.COUNTER,
        "Set-up requests",
        "准备请求数",
        "Requests that prepare or tear down the run (webhook registration).",
    ),
    MetricInfo(
        "setup_errors",
        MetricKind.RATE,
        "Set-up error rate",
        "准备错误率",
        "Failed set-up requests / set-up requests.",
    ),
    MetricInfo(
        "throttled",
        MetricKind.RATE,
        "Throttled rate",
        "限流率",
        "Answers refused for rate or quota (429, or 403 for quota) / all requests.",
    ),
    MetricInfo(
        "late_arrivals",
        MetricKind.RATE,
        "Late arrivals",
        "迟发到达率",
        "Arrivals started more than the lateness tolerance after their intended time / all "
        "arrivals. A high share means the load generator could not keep to the schedule.",
    ),
    MetricInfo(
        "unrouted",
        MetricKind.RATE,
        "Unrouted tickets",
        "未分配率",
        "Tickets with no assignment observed within the probe timeout / tickets created.",
    ),
    MetricInfo(
        "tickets_created",
        MetricKind.COUNTER,
        "Tickets created",
        "已创建工单数",
        "Tickets the vendor confirmed as created.",
    ),
    MetricInfo(
        "tickets_unknown",
        MetricKind.COUNTER,
        "Tickets sent, outcome unknown",
        "已发送、结果未知的工单数",
        "Ticket creates sent whose answer never came (timeout, reset after sending) and that "
        "the lookup after the run could not settle: the vendor may hold them. Neither created "
        "nor failed.",
    ),
    MetricInfo(
        "tickets_found",
        MetricKind.COUNTER,
        "Tickets found after the run",
        "运行后查到的工单数",
        "Ticket creates whose answer was lost or unreadable, found at the vendor by the lookup "
        "after the run (by the external id the harness sent); counted in Tickets created too.",
    ),
    MetricInfo(
        "tickets_absent",
        MetricKind.COUNTER,
        "Tickets absent after the run",
        "运行后查无的工单数",
        "Ticket creates whose answer was lost or unreadable, absent from the vendor's whole "
        "ticket list after the run: not created.",
    ),
    MetricInfo(
        "tickets_routed",
        MetricKind.COUNTER,
        "Tickets routed",
        "已分配工单数",
        "Tickets seen assigned to an agent.",
    ),
    MetricInfo(
        "requests",
        MetricKind.COUNTER,
        "Requests",
        "请求数",
        "HTTP requests sent, whatever their outcome.",
    ),
    # -- every request by outcome (issue 8): requests = the sum of these seven --------------
    *(
        MetricInfo(
            f"requests_{outcome}",
            MetricKind.COUNTER,
            f"Requests: {title_en}",
            f"请求：{title_zh}",
            description,
        )
        for outcome, title_en, title_zh, description in (
            ("ok", "succeeded", "成功", "Answered and understood."),
            ("throttled", "throttled", "被限流", "Refused for rate or quota (429)."),
            ("timeout", "timed out", "超时", "No complete answer within the request timeout."),
            (
                "connection",
                "connection failed",
                "连接失败",
                "Refused, reset or closed before an answer.",
            ),
            (
                "protocol",
                "protocol error",
                "协议错误",
                "A 2xx the adapter could not read (truncated or malformed JSON, HTML).",
            ),
            ("server", "server error", "服务端错误", "Answered 5xx."),
            ("client", "refused", "被拒绝", "Answered 4xx other than 429."),
        )
    ),
    MetricInfo(
        "webhooks_received",
        MetricKind.COUNTER,
        "Webhook deliveries accepted",
        "已接受的 webhook 投递",
        "Deliveries that verified and were answered 2xx (duplicates and other events too).",
    ),
    MetricInfo(
        "webhooks_duplicate",
        MetricKind.COUNTER,
        "Webhook duplicates ignored",
        "已忽略的重复 webhook",
        "Deliveries of an event id already received: acknowledged, not counted twice.",
    ),
    MetricInfo(
        "webhooks_rejected",
        MetricKind.COUNTER,
        "Webhook deliveries rejected",
        "已拒绝的 webhook 投递",
        "Unsigned, wrongly signed, stale (outside the timestamp window) or malformed.",
    ),
    # -- chat sessions (both sides of the desk) --------------------------------------------
    MetricInfo(
        "session_routing",
        MetricKind.TREND,
        "Session routing latency",
        "会话路由延迟",
        "From the customer opening a chat session to the customer seeing it assigned to an "
        "agent (long-poll: as it happens; polling: bounded by the interval).",
    ),
    MetricInfo(
        "first_response",
        MetricKind.TREND,
        "First response time",
        "首次响应时间",
        "From the customer's first message to the first agent reply the customer receives.",
    ),
    MetricInfo(
        "reply_latency",
        MetricKind.TREND,
        "Reply latency",
        "回复延迟",
        "From each customer message to the agent's reply reaching the customer (agent think "
        "time included).",
    ),
    MetricInfo(
        "session_duration",
        MetricKind.TREND,
        "Session duration",
        "会话时长",
        "From the customer opening a session to the session being closed.",
    ),
    MetricInfo(
        "resolution_time",
        MetricKind.TREND,
        "Resolution time",
        "解决时长",
        "From the customer opening a session to the reply to the customer's last message.",
    ),
    MetricInfo(
        "sessions_opened",
        MetricKind.COUNTER,
        "Sessions opened",
        "已开启会话数",
        "Chat sessions the vendor confirmed as opened.",
    ),
    MetricInfo(
        "sessions_closed",
        MetricKind.COUNTER,
        "Sessions closed",
        "已关闭会话数",
        "Chat sessions seen closed (by the agent, the vendor or the customer).",
    ),
    MetricInfo(
        "sessions_open",
        MetricKind.COUNTER,
        "Sessions open (session-seconds)",
        "在线会话（会话·秒）",
        "Concurrency as the harness measures it: each second adds the sessions open then. "
        "Its rate is the mean concurrency; the per-second values are the concurrency curve.",
    ),
    MetricInfo(
        "messages_sent",
        MetricKind.COUNTER,
        "Messages sent",
        "已发送消息数",
        "Customer messages the vendor accepted.",
    ),
    MetricInfo(
        "messages_unknown",
        MetricKind.COUNTER,
        "Messages sent, outcome unknown",
        "已发送、结果未知的消息数",
        "Customer messages sent whose answer never came: the vendor may hold them. Neither "
        "sent nor failed; the vendor's count lies between messages_sent and the sum of both.",
    ),
    MetricInfo(
        "messages_received",
        MetricKind.COUNTER,
        "Messages received",
        "已接收消息数",
        "Agent messages the customers received (duplicates not counted).",
    ),
    MetricInfo(
        "messages_lost",
        MetricKind.RATE,
        "Messages lost",
        "消息丢失率",
        "Deliveries that never arrived within reply_timeout (a customer message the agent "
        "never got, or an agent reply the customer never got) / deliveries expected.",
    ),
    MetricInfo(
        "messages_duplicated",
        MetricKind.RATE,
        "Messages duplicated",
        "消息重复率",
        "Deliveries of a message id already delivered (on either side) / all deliveries.",
    ),
)
