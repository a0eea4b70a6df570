"""The metrics the harness knows: one name, one kind, titles in English and Chinese.

A metric's kind fixes what can be recorded into it (``harness.metrics.series``) and which
threshold aggregates apply (``harness.analysis.thresholds``):

- ``trend``: durations in ms, kept as histograms (percentiles, avg, min, max).
- ``rate``: the share of hits among all events (failed requests among all requests).
- ``counter``: a plain count (tickets created).
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
        "From ticket created to assigned to an agent, as seen by webhook (exact) or polling "
        "(bounded by the poll interval).",
    ),
    MetricInfo(
        "errors",
        MetricKind.RATE,
        "Error rate",
        "错误率",
        "Failed requests / all requests.",
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
)
