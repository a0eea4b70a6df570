"""Scenario: what to send, to which vendors, how hard, for how long, and what counts as a pass.

``scenarios/smoke.yaml`` is the worked example. A scenario is validated strictly (unknown keys
are errors) and every problem is reported at once with its file and line (see
:mod:`harness.config.loader`).

Shortcut: top-level ``rate`` + ``duration`` (and optionally ``max_users``) expand to
``load: {kind: arrival-rate, ...}`` before validation; ``explain()`` prints the expanded,
canonical form that will run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar

import yaml
from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    PlainSerializer,
    PrivateAttr,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from harness.config.breakpoint import Breakpoint
from harness.config.breakpoint_sessions import SessionsBreakpoint
from harness.config.conversation import Conversation
from harness.config.hosts import DEFAULT_ALLOW_HOSTS, HostAllowList, host_problem
from harness.config.loader import Slug, StrictModel, display_path, load_yaml, validate
from harness.config.plan_numbers import plan_numbers
from harness.config.problems import ConfigValueError, Loc
from harness.config.shapes import LoadShape
from harness.config.suggest import did_you_mean
from harness.config.thresholds import Threshold, ThresholdError, parse_threshold
from harness.config.units import Duration, Rate, format_duration
from harness.errors import ConfigError
from harness.model import Channel, Priority

__all__ = [
    "DEFAULT_ALLOW_HOSTS",
    "Bounds",
    "Probe",
    "Scenario",
    "SyntheticTraffic",
    "host_problem",
    "load_scenario",
    "resolve_vendors",
    "schema_text",
    "write_schema",
]

E = TypeVar("E", Channel, Priority)


def _enum_key(enum: type[E], what: str, plural: str) -> BeforeValidator:
    valid = [member.value for member in enum]

    def check(value: object) -> E:
        if isinstance(value, str) and value in valid:
            return enum(value)
        hint = did_you_mean(value, valid) if isinstance(value, str) else ""
        raise ValueError(f"unknown {what} '{value}'.{hint} Valid {plural}: {', '.join(valid)}")

    return BeforeValidator(check)


def _weight_json(value: float) -> int | float:
    return int(value) if value.is_integer() else value


Weight = Annotated[float, Field(gt=0), PlainSerializer(_weight_json, when_used="json")]
ChannelKey = Annotated[Channel, _enum_key(Channel, "channel", "channels")]
PriorityKey = Annotated[Priority, _enum_key(Priority, "priority", "priorities")]


class Bounds(StrictModel):
    """Hard stops for the load phase, whatever the shape asks for."""

    max_duration: Duration = Field(examples=["3m"], description="Hard stop for the load phase.")
    max_requests: int = Field(
        ge=1, examples=[50000], description="Hard stop on requests sent (all kinds, probes too)."
    )
    request_timeout: Duration = Field(
        default="30s",
        validate_default=True,
        description="A ticket request (or probe poll) with no complete answer this long after "
        "it was sent counts as timed out.",
    )
    lookup_requests: int = Field(
        default=50,
        ge=0,
        description="After the run, most ticket-list requests (per load process) spent looking "
        "up creates whose answer was lost; set-up requests, apart from max_requests. 0: none.",
    )
    lookup_time: Duration = Field(
        default="10s",
        validate_default=True,
        description="After the run, the longest the lookup of lost creates may take.",
    )


class SyntheticTraffic(StrictModel):
    """Seeded synthetic tickets; each mapping gives relative weights (any positive numbers)."""

    kind: Literal["synthetic"] = Field(examples=["synthetic"])
    seed: int = 1
    locale: Literal["zh_CN", "en_US"] = "zh_CN"
    categories: dict[Slug, Weight] = Field(min_length=1, examples=[{"billing": 3, "refunds": 1}])
    channels: dict[ChannelKey, Weight] = Field(min_length=1, examples=[{"web": 3, "wechat": 1}])
    priorities: dict[PriorityKey, Weight] = Field(min_length=1, examples=[{"normal": 6, "high": 1}])


Traffic = Annotated[SyntheticTraffic, Field(discriminator="kind")]
"""Union of traffic sources, discriminated on ``kind`` (``replay`` comes later)."""


class Probe(StrictModel):
    """How routing latency (created -> assigned) is observed."""

    mode: Literal["auto", "webhook", "polling"] = Field(
        default="auto", description="auto: webhook when the vendor sends them, else polling."
    )
    # Defaults are written as in YAML (and validated), so the schema shows them that way.
    poll_interval: Duration = Field(default="500ms", validate_default=True)
    poll_first: Duration = Field(
        default="50ms",
        validate_default=True,
        description="A young ticket is polled this soon after its creation, then at gaps "
        "growing by poll_growth up to poll_interval.",
    )
    poll_growth: float = Field(default=1.5, ge=1.0, le=10.0)
    poll_budget: Rate = Field(
        default="200/s",
        validate_default=True,
        description="Most probe requests a second (per load process); polls beyond it wait, "
        "which only widens the reported brackets.",
    )
    timeout: Duration = Field(
        default="60s",
        validate_default=True,
        description="A ticket unassigned this long after creation is unrouted.",
    )

    @model_validator(mode="after")
    def _interval_below_timeout(self) -> Self:
        if self.poll_interval >= self.timeout:
            raise ConfigValueError.at(
                ("poll_interval",),
                f"{format_duration(self.poll_interval)} is not shorter than timeout "
                f"({format_duration(self.timeout)}); lower poll_interval or raise timeout",
            )
        if self.poll_first > self.poll_interval:
            raise ConfigValueError.at(
                ("poll_first",),
                f"{format_duration(self.poll_first)} is longer than poll_interval "
                f"({format_duration(self.poll_interval)}); lower poll_first",
            )
        return self


def _search_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "sessions" if "max_sessions" in value else "rate"
    return "sessions" if isinstance(value, SessionsBreakpoint) else "rate"


SearchSpec = Annotated[
    Annotated[Breakpoint, Tag("rate")] | Annotated[SessionsBreakpoint, Tag("sessions")],
    Discriminator(_search_kind),
]
"""A rate search (``max_rate``) or a concurrent-sessions search (``max_sessions``)."""


class Scenario(StrictModel):
    """One scenario file; see ``scenarios/smoke.yaml``."""

    shortcut_keys: ClassVar[tuple[str, ...]] = ("rate", "duration", "max_users")

    name: Slug = Field(examples=["smoke"])
    description: str = ""
    vendors: list[str] = Field(
        min_length=1,
        examples=[["sandbox-solid"]],
        description="Names of scenarios/vendors/<name>.yaml (next to this file), or paths.",
    )
    allow_hosts: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ALLOW_HOSTS),
        min_length=1,
        description="Hosts the harness may send to: host names, IPs, CIDRs. Default: loopback.",
    )
    bounds: Bounds = Field(examples=[{"max_duration": "3m", "max_requests": 50000}])
    traffic: Traffic = Field(
        examples=[
            {
                "kind": "synthetic",
                "categories": {"billing": 1},
                "channels": {"web": 1},
                "priorities": {"normal": 1},
            }
        ]
    )
    load: LoadShape = Field(examples=[{"kind": "arrival-rate", "rate": "8/s", "duration": "40s"}])
    probe: Probe = Field(default_factory=Probe)
    conversation: Conversation = Field(
        default_factory=Conversation,
        description="What each chat session does (sessions load, or opens: sessions).",
    )
    thresholds: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Metric -> expressions such as 'p95 < 30s' or 'rate < 1%'.",
    )
    breakpoint: SearchSpec | None = Field(
        default=None,
        description="How `csm-harness breakpoint` raises the load (optional): the arrival "
        "rate (max_rate), or with load.kind sessions the concurrent sessions (max_sessions).",
    )

    _hosts: HostAllowList = PrivateAttr(default_factory=lambda: HostAllowList(()))

    # --- validation ---------------------------------------------------------------------------

    @model_validator(mode="before")
    @classmethod
    def _expand_shortcuts(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        used = [key for key in cls.shortcut_keys if key in data]
        if not used:
            return data
        if "load" in data:
            raise ConfigValueError(
                [
                    ((key,), f"`{key}` and `load` cannot be used together; move {key} into load")
                    for key in used
                ]
            )
        expanded = {key: value for key, value in data.items() if key not in used}
        expanded["load"] = {"kind": "arrival-rate"} | {key: data[key] for key in used}
        return expanded

    @classmethod
    def source_loc(cls, loc: Loc, raw: Mapping[str, Any]) -> Loc:
        """Errors inside an expanded shortcut point at the shortcut key the user wrote."""
        if loc[:1] == ("load",) and "load" not in raw and any(k in raw for k in cls.shortcut_keys):
            return loc[1:]
        return loc

    @field_validator("vendors")
    @classmethod
    def _check_vendors(cls, value: list[str], info: ValidationInfo) -> list[str]:
        problems: list[tuple[Loc, str]] = []
        first: dict[str, int] = {}
        source = info.context.get("source") if isinstance(info.context, dict) else None
        for index, entry in enumerate(value):
            if entry in first:
                problems.append(
                    ((index,), f"listed twice (also vendors[{first[entry]}]); remove one")
                )
                continue
            first[entry] = index
            if source is not None:
                try:
                    _resolve_vendor(entry, Path(source).parent)
                except ValueError as exc:
                    problems.append(((index,), str(exc)))
        if problems:
            raise ConfigValueError(problems)
        return value

    @field_validator("allow_hosts")
    @classmethod
    def _check_allow_hosts(cls, value: list[str]) -> list[str]:
        problems = [((i,), p) for i, entry in enumerate(value) if (p := host_problem(entry))]
        if problems:
            raise ConfigValueError(problems)
        return value

    @field_validator("thresholds")
    @classmethod
    def _check_thresholds(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from harness.metrics.catalog import METRICS

        problems: list[tuple[Loc, str]] = []
        for metric, sources in value.items():
            if metric not in METRICS:  # say it once, at the key; the message lists the metrics
                try:
                    parse_threshold(metric, "")
                except ThresholdError as exc:
                    problems.append(((metric,), str(exc)))
                continue
            if not sources:
                problems.append(((metric,), "list at least one expression, e.g. ['p95 < 30s']"))
            for index, source in enumerate(sources):
                try:
                    parse_threshold(metric, source)
                except ThresholdError as exc:
                    problems.append(((metric, index), str(exc)))
        if problems:
            raise ConfigValueError(problems)
        return value

    @model_validator(mode="after")
    def _breakpoint_fits_load(self) -> Self:
        sessions = self.load.kind == "sessions"
        if self.breakpoint is not None and (self.breakpoint.kind == "sessions") != sessions:
            wanted = "max_sessions (a sessions search)" if sessions else "max_rate (a rate search)"
            raise ConfigValueError.at(
                ("breakpoint",),
                f"load.kind is {self.load.kind}: the breakpoint block needs {wanted}",
            )
        return self

    @model_validator(mode="after")
    def _bounds_cover_load(self) -> Self:
        planned = self.load.total_duration
        if self.bounds.max_duration < planned:
            raise ConfigValueError.at(
                ("bounds", "max_duration"),
                f"{format_duration(self.bounds.max_duration)} is shorter than the load "
                f"({format_duration(planned)}); raise max_duration to at least "
                f"{format_duration(planned)} or shorten the load",
            )
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._hosts = HostAllowList(self.allow_hosts)

    # --- use ----------------------------------------------------------------------------------

    def allows(self, host: str) -> bool:
        """True when ``host`` (a name or an IP, as in a URL) is in ``allow_hosts``
        (:class:`~harness.config.hosts.HostAllowList`)."""
        return self._hosts.allows(host)

    def vendor_paths(self, scenario_path: str | os.PathLike[str]) -> list[Path]:
        """The vendor files this scenario names; see :func:`resolve_vendors`."""
        return resolve_vendors(self, scenario_path)

    def parsed_thresholds(self) -> list[Threshold]:
        """Every threshold expression, parsed, in file order."""
        return [
            parse_threshold(metric, source)
            for metric, sources in self.thresholds.items()
            for source in sources
        ]

    def explain(self) -> str:
        """The canonical form that will run (shortcuts expanded, defaults filled), as YAML."""
        data = self.model_dump(mode="json", by_alias=True)
        text = yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
        )
        header = f"# scenario {self.name}: canonical form (shortcuts expanded, defaults filled in)"
        numbers = plan_numbers(self.load, self.conversation).lines()
        plan = "".join(f"# {line}\n" for line in numbers)
        return f"{header}\n{plan}{text}"


def _resolve_vendor(entry: str, base: Path) -> Path:
    """``sandbox-solid`` -> ``<base>/vendors/sandbox-solid.yaml``; a path is taken as is."""
    if not entry.strip():
        raise ValueError("must not be empty; write a vendor name such as 'sandbox-solid'")
    if "/" in entry or "\\" in entry or entry.endswith((".yaml", ".yml")):
        path = base / entry
        if not path.is_file():
            raise ValueError(f"no such file: {display_path(path)}")
        return path
    folder = base / "vendors"
    path = folder / f"{entry}.yaml"
    if path.is_file():
        return path
    available = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    listing = (
        f" Available: {', '.join(available)}"
        if available
        else f" There are no vendor files in {display_path(folder)}"
    )
    hint = did_you_mean(entry, available)
    raise ValueError(f"no vendor named '{entry}' (looked for {display_path(path)}).{hint}{listing}")


def resolve_vendors(scenario: Scenario, scenario_path: str | os.PathLike[str]) -> list[Path]:
    """Paths of the scenario's vendor files, resolved next to ``scenario_path``.

    A name that does not resolve raises ConfigError at the line of its list item, with the
    vendor files that do exist.
    """
    base = Path(scenario_path).parent
    paths: list[Path] = []
    problems: list[tuple[int, str]] = []
    for index, entry in enumerate(scenario.vendors):
        try:
            paths.append(_resolve_vendor(entry, base))
        except ValueError as exc:
            problems.append((index, str(exc)))
    if problems:
        try:
            lines = load_yaml(scenario_path)[1]
        except ConfigError:
            lines = None
        shown = display_path(scenario_path)
        raise ConfigError(
            [
                f"{shown}:{lines.line(('vendors', i)) if lines else 1}: vendors[{i}]: {text}."
                for i, text in problems
            ]
        )
    return paths


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load and validate one scenario file; vendor names are checked against the files there."""
    return validate(Scenario, path)


def schema_text() -> str:
    """``scenarios/schema.json`` as it should be: the JSON Schema of :class:`Scenario`."""
    schema = Scenario.model_json_schema()
    properties = schema["properties"]
    shortcuts = {
        "rate": "Shortcut for load.rate (with duration; expands to kind: arrival-rate).",
        "duration": "Shortcut for load.duration (with rate).",
        "max_users": "Shortcut for load.max_users (with rate and duration).",
    }
    load_schema = schema["$defs"]["ArrivalRate"]["properties"]
    for key, description in shortcuts.items():
        properties[key] = {**load_schema[key], "description": description}
    schema["required"] = [key for key in schema["required"] if key != "load"]
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_schema(path: str | os.PathLike[str] = "scenarios/schema.json") -> Path:
    """Write :func:`schema_text` to ``path`` (for editor completion); return the path."""
    target = Path(path)
    target.write_text(schema_text(), encoding="utf-8")
    return target
