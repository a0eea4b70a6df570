"""The scoring model: weighted dimensions, criteria on measured numbers, vetoes, manual inputs.

A scoring file (``scenarios/scoring.yaml`` is the worked example) says how to turn each vendor's
measured results and the buyer's manual inputs into one ranked score::

    name: double11-poc
    currency: CNY
    inputs: {migration: migration.json}      # extra files read from each run folder
    dimensions:                               # weights must add up to 100
      capability:                             # default weights: capability 50, service 30,
        criteria:                             #   price 20
          - id: routing-p95
            title: {en: Routing latency p95, zh-CN: 路由延迟 p95}
            measure: routing_latency.p95_ms   # a metric of summary.json, or source.path
            weight: 40                        # criteria weights in a dimension add up to 100
            curve: {kind: linear, target: 2s, limit: 30s}
    vetoes:
      - id: data-loss
        title: {en: Migration records lost, zh-CN: 迁移记录丢失}
        measure: migration.records_lost
        require: "== 0"
    manual:
      acme:
        values:
          sla_first_response: {value: 0.5, source: "Contract draft v3, section 4.2"}
        tco: {source: "Quote Q-118", one_off: {implementation: 80000},
              per_year: {licence: 120000}, hidden_per_year: {integration_upkeep: 20000}}

Sources for ``measure``: ``summary`` (summary.json), ``breakpoint`` (breakpoint.json),
``checks`` (checks.json), any name under ``inputs:``, ``manual`` (``values`` above) and
``tco`` (``total``, ``explicit``, ``hidden``: the "3+2" method, three years of explicit cost
plus two years of hidden cost; the years are set by ``tco_years``). A path whose first part
is a metric name is short for ``summary.metrics.<path>``. Path grammar:
:mod:`harness.config.lookup`.

Curves and number units: :mod:`harness.config.curves`.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Annotated, Final, Literal

from pydantic import Field, field_validator, model_validator

from harness.config.curves import Curve, Quantity, parse_requirement
from harness.config.loader import Slug, StrictModel, validate
from harness.config.lookup import Lookup, parse_path
from harness.config.problems import ConfigValueError, Loc
from harness.config.suggest import did_you_mean
from harness.config.vendor import Title
from harness.metrics.catalog import METRICS

__all__ = [
    "BUILTIN_INPUTS",
    "COMPUTED_SOURCES",
    "DEFAULT_WEIGHTS",
    "Criterion",
    "Dimension",
    "ManualValue",
    "ScoringModel",
    "Tco",
    "TcoYears",
    "VendorManual",
    "Veto",
    "load_scoring",
]

DEFAULT_WEIGHTS: Final = {"capability": 50.0, "service": 30.0, "price": 20.0}
BUILTIN_INPUTS: Final = {
    "summary": "summary.json",
    "breakpoint": "breakpoint.json",
    "checks": "checks.json",
}
COMPUTED_SOURCES: Final = ("manual", "tco")
_TOTAL: Final = 100.0
_TOLERANCE: Final = 1e-9
_ID: Final = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


def _check_path(value: str) -> str:
    parse_path(value)
    return value


MeasurePath = Annotated[str, Field(min_length=1)]


class Criterion(StrictModel):
    id: str = Field(pattern=_ID, examples=["routing-p95"])
    title: Title
    measure: MeasurePath = Field(examples=["routing_latency.p95_ms"])
    weight: float = Field(gt=0, le=100)
    curve: Curve
    unit: str | None = Field(
        default=None,
        description="How to show the value: ms, %, or a label such as h or CNY. "
        "Default: from the path (ms for *_ms, % for rates).",
    )

    @field_validator("measure")
    @classmethod
    def _measure_syntax(cls, value: str) -> str:
        return _check_path(value)


class Dimension(StrictModel):
    title: Title | None = None
    weight: float | None = Field(default=None, gt=0, le=100)
    criteria: list[Criterion] = Field(min_length=1)


class Veto(StrictModel):
    """A line a vendor must not cross: failing it ranks the vendor last, whatever its score."""

    id: str = Field(pattern=_ID, examples=["data-loss"])
    title: Title
    measure: MeasurePath = Field(examples=["migration.records_lost"])
    require: str = Field(examples=["== 0"])
    when_missing: Literal["fail", "pass"] = "fail"

    @field_validator("measure")
    @classmethod
    def _measure_syntax(cls, value: str) -> str:
        return _check_path(value)

    @field_validator("require")
    @classmethod
    def _requirement(cls, value: str) -> str:
        parse_requirement(value)
        return value


class ManualValue(StrictModel):
    """A figure the harness cannot measure, with where it came from (required)."""

    value: Quantity | bool
    source: str = Field(min_length=1, examples=["Contract draft v3, section 4.2"])
    note: str | None = None

    @property
    def number(self) -> float:
        return float(self.value)


class Tco(StrictModel):
    """Costs for the "3+2" total cost of ownership; amounts in the model's currency."""

    source: str = Field(min_length=1, examples=["Quote Q-2026-118"])
    one_off: dict[str, float] = Field(default_factory=dict)
    per_year: dict[str, float] = Field(default_factory=dict)
    hidden_per_year: dict[str, float] = Field(default_factory=dict)

    def figures(self, years: TcoYears) -> dict[str, float]:
        explicit = sum(self.one_off.values()) + years.explicit * sum(self.per_year.values())
        hidden = years.hidden * sum(self.hidden_per_year.values())
        return {"explicit": explicit, "hidden": hidden, "total": explicit + hidden}


class TcoYears(StrictModel):
    explicit: int = Field(default=3, ge=1)
    hidden: int = Field(default=2, ge=0)


class VendorManual(StrictModel):
    values: dict[str, ManualValue] = Field(default_factory=dict)
    tco: Tco | None = None


class ScoringModel(StrictModel):
    name: Slug = Field(examples=["double11-poc"])
    description: str | None = None
    currency: str = "CNY"
    inputs: dict[Slug, str] = Field(default_factory=dict)
    dimensions: dict[Slug, Dimension] = Field(min_length=1)
    vetoes: list[Veto] = Field(default_factory=list)
    tco_years: TcoYears = Field(default_factory=TcoYears)
    manual: dict[str, VendorManual] = Field(default_factory=dict)

    @property
    def input_files(self) -> dict[str, str]:
        return {**BUILTIN_INPUTS, **self.inputs}

    def weight_of(self, dimension: str) -> float:
        weight = self.dimensions[dimension].weight
        return weight if weight is not None else DEFAULT_WEIGHTS[dimension]

    def lookup(self, measure: str) -> Lookup:
        """``measure`` parsed, with a bare metric name expanded to ``summary.metrics.<...>``."""
        parsed = parse_path(measure)
        if parsed.source in METRICS and parsed.source not in self.input_files:
            return parse_path(f"summary.metrics.{measure}")
        return parsed

    @model_validator(mode="after")
    def _consistent(self) -> ScoringModel:
        problems: list[tuple[Loc, str]] = []
        problems += self._weight_problems()
        problems += self._measure_problems()
        problems += self._id_problems()
        problems += self._manual_problems()
        if problems:
            raise ConfigValueError(problems)
        return self

    def _weight_problems(self) -> list[tuple[Loc, str]]:
        problems: list[tuple[Loc, str]] = []
        for name, dimension in self.dimensions.items():
            if dimension.weight is None and name not in DEFAULT_WEIGHTS:
                problems.append(
                    (("dimensions", name), f"needs a weight: only {_defaults()} have defaults")
                )
            total = sum(c.weight for c in dimension.criteria)
            if abs(total - _TOTAL) > _TOLERANCE:
                parts = " + ".join(f"{c.id} {_num(c.weight)}" for c in dimension.criteria)
                problems.append(
                    (
                        ("dimensions", name, "criteria"),
                        f"criteria weights add up to {_num(total)} ({parts}); they must add up "
                        "to 100",
                    )
                )
        if problems:
            return problems
        weights = {name: self.weight_of(name) for name in self.dimensions}
        total = sum(weights.values())
        if abs(total - _TOTAL) > _TOLERANCE:
            parts = " + ".join(f"{name} {_num(w)}" for name, w in weights.items())
            problems.append(
                (
                    ("dimensions",),
                    f"dimension weights add up to {_num(total)} ({parts}); they must add up to "
                    "100. Set 'weight:' on each dimension",
                )
            )
        return problems

    def _measures(self) -> list[tuple[Loc, str]]:
        found: list[tuple[Loc, str]] = [
            (("dimensions", name, "criteria", i, "measure"), criterion.measure)
            for name, dimension in self.dimensions.items()
            for i, criterion in enumerate(dimension.criteria)
        ]
        found += [(("vetoes", i, "measure"), veto.measure) for i, veto in enumerate(self.vetoes)]
        return found

    def _measure_problems(self) -> list[tuple[Loc, str]]:
        sources = [*self.input_files, *COMPUTED_SOURCES]
        problems: list[tuple[Loc, str]] = []
        for loc, measure in self._measures():
            lookup = self.lookup(measure)
            if lookup.source not in sources:
                hint = did_you_mean(lookup.source, [*sources, *METRICS])
                problems.append(
                    (
                        loc,
                        f"unknown source '{lookup.source}'.{hint} Sources: {', '.join(sources)}"
                        f" (add files under 'inputs:'), or a metric: {', '.join(METRICS)}",
                    )
                )
            elif lookup.source in COMPUTED_SOURCES and len(lookup.steps) != 1:
                example = "manual.sla_first_response" if lookup.source == "manual" else "tco.total"
                problems.append((loc, f"write {lookup.source}.<name>, e.g. '{example}'"))
            elif lookup.source == "tco" and lookup.steps[0].key not in _TCO_FIGURES:
                problems.append((loc, f"tco has {', '.join(_TCO_FIGURES)}"))
        return problems

    def _id_problems(self) -> list[tuple[Loc, str]]:
        problems: list[tuple[Loc, str]] = []
        ids = Counter(c.id for d in self.dimensions.values() for c in d.criteria)
        for name, dimension in self.dimensions.items():
            for i, criterion in enumerate(dimension.criteria):
                if ids[criterion.id] > 1:
                    loc: Loc = ("dimensions", name, "criteria", i, "id")
                    problems.append((loc, f"'{criterion.id}' is used twice; ids must be unique"))
        vetoes = Counter(v.id for v in self.vetoes)
        problems += [
            (("vetoes", i, "id"), f"'{veto.id}' is used twice; ids must be unique")
            for i, veto in enumerate(self.vetoes)
            if vetoes[veto.id] > 1
        ]
        return problems

    def _manual_problems(self) -> list[tuple[Loc, str]]:
        used = sorted(
            str(lookup.steps[0].key)
            for lookup in (self.lookup(m) for _, m in self._measures())
            if lookup.source == "manual"
        )
        problems: list[tuple[Loc, str]] = []
        for vendor, manual in self.manual.items():
            for key in manual.values:
                if key not in used:
                    listing = f" Criteria and vetoes use: {', '.join(used)}." if used else ""
                    problems.append(
                        (
                            ("manual", vendor, "values", key),
                            f"no criterion or veto uses manual.{key}."
                            f"{did_you_mean(key, used) or listing}",
                        )
                    )
        return problems


_TCO_FIGURES: Final = ("total", "explicit", "hidden")


def _defaults() -> str:
    return ", ".join(f"{name} ({_num(w)})" for name, w in DEFAULT_WEIGHTS.items())


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def load_scoring(path: str | os.PathLike[str]) -> ScoringModel:
    """Load and validate one scoring file; every problem in one ConfigError with file:line."""
    return validate(ScoringModel, path)
