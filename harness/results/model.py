"""The one result model every report writer consumes; ``RunSummary.to_dict()`` is summary.json.

Frozen dataclasses with a JSON-safe ``to_dict()`` and a strict ``from_dict()``: unknown keys,
missing fields and wrong types are refused with the field path, and a file written by a newer
schema is refused with the version it needs. Times are ISO 8601 UTC strings and latencies are
milliseconds; a statistic with no samples is ``None``, never ``0``. :meth:`Comparison.build`
ranks several runs of one scenario and states their differences in both languages.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Self, Union, get_args, get_origin, get_type_hints

from harness.config.shape_base import PhaseKind
from harness.i18n import Lang

SCHEMA_VERSION = 1

# Metric names the reports read; the metrics package records them under these names.
TICKET_CREATE = "ticket_create"  # trend: POST ticket round trip, from intended start
ROUTING_LATENCY = "routing_latency"  # trend: ticket created -> assigned to an agent
ERRORS = "errors"  # rate: failed requests / all requests
UNROUTED = "unrouted"  # rate: tickets not assigned before the probe timeout / tickets created


class SchemaError(ValueError):
    """A summary.json (or a dict meant to become one) does not match the schema."""


class Record:
    """``to_dict`` / ``from_dict`` for the frozen dataclasses below."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]  # each subclass's own

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        version = data.get("schema_version", SCHEMA_VERSION) if isinstance(data, Mapping) else 0
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise SchemaError(
                f"schema_version {version} was written by a newer csm-harness; this one reads "
                f"schema {SCHEMA_VERSION}. Upgrade csm-harness to read it."
            )
        decoded: Self = _decode(cls, data, cls.__name__)
        return decoded


@dataclasses.dataclass(frozen=True, slots=True)
class VendorInfo(Record):
    name: str
    title_en: str
    title_zh: str
    adapter: str
    base_url: str

    def title(self, lang: Lang) -> str:
        return self.title_zh if lang == "zh-CN" else self.title_en


@dataclasses.dataclass(frozen=True, slots=True)
class ProbeInfo(Record):
    mode: Literal["webhook", "polling"]
    poll_interval_s: float | None
    timeout_s: float
    # the vendor's clock minus the harness's, from its Date headers, and the bound on that
    vendor_clock_offset_ms: float | None = None
    vendor_clock_bound_ms: float | None = None
    webhook_mode: str | None = None  # "register" | "preconfigured"
    webhook_signature: str | None = None  # "verify" | "none" (deliveries taken unsigned)


@dataclasses.dataclass(frozen=True, slots=True)
class Phase(Record):
    """A named stretch of the load, cut per kind (:mod:`harness.analysis.phases`): a ``step``'s
    stages, a ``spike``'s before/during/after, a ``soak``'s equal windows. Seconds are from the
    schedule's origin; ``index`` counts from 1 within the kind."""

    name: str  # "stage-2", "before", "during", "after", "window-3"
    kind: PhaseKind
    index: int
    start_s: float
    end_s: float
    offered_rate_per_s: float  # what the shape asked for, on average over the phase
    planned: int  # arrivals the schedule put in the phase

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclasses.dataclass(frozen=True, slots=True)
class LoadInfo(Record):
    kind: str
    planned_arrivals: int
    rate_per_s: float
    duration_s: float
    max_users: int
    phases: list[Phase] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True)
class PhaseResult(Record):
    """What one phase achieved, from the per-second series (seconds of completion: a ticket
    created or routed in a phase counts there; the last phase keeps the drain after it)."""

    phase: Phase
    created: int
    routed: int
    created_per_s: float
    routed_per_s: float
    routing_p95_ms: float | None
    requests: int
    errors: int
    error_rate: float | None


@dataclasses.dataclass(frozen=True, slots=True)
class Drift(Record):
    """A soak's verdict: routing p95 of its last window against its first."""

    first_p95_ms: float | None
    last_p95_ms: float | None
    ratio: float | None  # last / first; None when either window routed nothing
    limit: float  # drifted when ratio > limit
    drifted: bool


@dataclasses.dataclass(frozen=True, slots=True)
class MetricSummary(Record):
    """One metric over the whole run. Only the fields of its ``kind`` are set.

    trend: ``count`` and the ``*_ms`` statistics (``None`` when count is 0); rate: ``hits``,
    ``total`` and ``rate`` (``None`` when total is 0); counter: ``count`` (the whole run),
    ``per_second`` (``in_window`` over the arrival window, as throughput is) and ``in_drain``
    (after the window).
    """

    name: str
    kind: Literal["trend", "rate", "counter"]
    title_en: str
    title_zh: str
    count: int | None = None
    min_ms: float | None = None
    max_ms: float | None = None
    mean_ms: float | None = None
    p50_ms: float | None = None
    p90_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    hits: int | None = None
    total: int | None = None
    rate: float | None = None
    per_second: float | None = None
    in_window: int | None = None
    in_drain: int | None = None

    def title(self, lang: Lang) -> str:
        return self.title_zh if lang == "zh-CN" else self.title_en


@dataclasses.dataclass(frozen=True, slots=True)
class Percentiles(Record):
    count: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None


@dataclasses.dataclass(frozen=True, slots=True)
class TimelinePoint(Record):
    """One second of the run; ``t`` is whole seconds since the start."""

    t: int
    requests: int
    errors: int
    throttled: int
    tickets_created: int
    tickets_routed: int
    ticket_create: Percentiles | None = None
    routing_latency: Percentiles | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Bucket(Record):
    lower_ms: float
    upper_ms: float
    count: int


@dataclasses.dataclass(frozen=True, slots=True)
class ThresholdOutcome(Record):
    metric: str
    source: str  # the expression as written, e.g. "p95 < 30s"
    ok: bool
    measured_text: str  # e.g. "p95=12.4s"


@dataclasses.dataclass(frozen=True, slots=True)
class Throughput(Record):
    """Tickets per second over the arrival window (what the vendor kept up with while the
    load arrived), with the drain after it, until the run ended, reported apart."""

    arrival_window_s: float
    created: int  # creates completed inside the arrival window
    routed: int
    created_per_s: float
    routed_per_s: float
    drain_s: float
    created_in_drain: int
    routed_in_drain: int


@dataclasses.dataclass(frozen=True, slots=True)
class GeneratorInfo(Record):
    """The load generator's health. ``reliable`` is False (with ``unreliable_reason``
    ``"generator saturated"``) when the machine or a load process was CPU-saturated for too
    much of the run (:mod:`harness.analysis.saturation`); ``late_arrivals`` / ``max_lag_s``
    count arrivals that started after their intended time."""

    cpu_max_percent: float  # highest load process, % of one core
    saturated_seconds: int
    workers: int
    histogram_relative_error: float
    machine_cpu_max_percent: float | None = None  # % of all cores; None when not sampled
    machine_saturated_seconds: int = 0
    sampled_seconds: int = 0
    late_arrivals: int = 0
    max_lag_s: float = 0.0
    saturated_share: float = 0.0  # the worst source's share of saturated seconds
    reliable: bool = True
    unreliable_reason: str | None = None
    machine_busy: bool = False  # the machine, not the harness, was at its limit
    harness_cpu_percent: float = 0.0  # mean, % of the machine
    others_cpu_percent: float = 0.0  # mean, % of the machine: the vendor and everything else


@dataclasses.dataclass(frozen=True, slots=True)
class Note(Record):
    level: Literal["info", "warning"]
    en: str
    zh: str

    def text(self, lang: Lang) -> str:
        return self.zh if lang == "zh-CN" else self.en


@dataclasses.dataclass(frozen=True, slots=True)
class RunSummary(Record):
    run_id: str
    scenario: str
    vendor: VendorInfo
    started_at: str
    ended_at: str
    duration_s: float
    complete: bool  # False when the run was cut short
    probe: ProbeInfo
    load: LoadInfo
    metrics: dict[str, MetricSummary]
    timeline: list[TimelinePoint]
    routing_distribution: list[Bucket]
    thresholds: list[ThresholdOutcome]
    verdict: Literal["pass", "fail"]
    generator: GeneratorInfo
    notes: list[Note] = dataclasses.field(default_factory=list)
    phases: list[PhaseResult] = dataclasses.field(default_factory=list)
    drift: Drift | None = None
    throughput: Throughput | None = None  # absent in summaries written before issue 13
    schema_version: int = SCHEMA_VERSION

    def metric(self, name: str) -> MetricSummary | None:
        return self.metrics.get(name)

    def metric_title(self, name: str, lang: Lang) -> str:
        found = self.metric(name)
        return found.title(lang) if found else name

    def stat(self, name: str, field: str) -> float | None:
        """``stat(ROUTING_LATENCY, "p95_ms")``: a metric's statistic, ``None`` when absent."""
        found = self.metric(name)
        value = getattr(found, field) if found else None
        return None if value is None else float(value)

    @property
    def thresholds_passed(self) -> int:
        return sum(outcome.ok for outcome in self.thresholds)


def _decode(tp: Any, value: Any, where: str) -> Any:
    """``value`` (parsed JSON) as type ``tp``; raises :class:`SchemaError` naming ``where``."""
    if tp is Any:  # free-form JSON, e.g. what a check measured
        return value
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, Mapping):
            raise SchemaError(f"{where}: expected an object, got {type(value).__name__}")
        fields = {f.name: f for f in dataclasses.fields(tp)}
        unknown = sorted(set(value) - set(fields))
        if unknown:
            raise SchemaError(f"{where}: unknown field(s) {', '.join(unknown)}")
        hints = get_type_hints(tp)
        kwargs = {}
        for name, f in fields.items():
            if name in value:
                kwargs[name] = _decode(hints[name], value[name], f"{where}.{name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise SchemaError(f"{where}.{name}: field required")
        return tp(**kwargs)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in get_args(tp):
            return None
        (inner,) = [arg for arg in get_args(tp) if arg is not type(None)]
        return _decode(inner, value, where)
    if origin is Literal:
        if value not in get_args(tp):
            choices = ", ".join(repr(arg) for arg in get_args(tp))
            raise SchemaError(f"{where}: {value!r} is not one of {choices}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise SchemaError(f"{where}: expected a list, got {type(value).__name__}")
        (item,) = get_args(tp)
        return [_decode(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, Mapping):
            raise SchemaError(f"{where}: expected an object, got {type(value).__name__}")
        _, item = get_args(tp)
        return {str(k): _decode(item, v, f"{where}.{k}") for k, v in value.items()}
    return _decode_scalar(tp, value, where)


def _decode_scalar(tp: Any, value: Any, where: str) -> Any:
    if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tp in (int, str, bool) and type(value) is tp:
        return value
    raise SchemaError(f"{where}: expected {tp.__name__}, got {type(value).__name__} {value!r}")
