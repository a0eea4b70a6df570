"""A POC plan: candidate vendors, stages, the scoring model, bounds and order, in one file.

``scenarios/poc/demo.yaml`` is the worked example::

    name: demo
    order: vendor-by-vendor          # or stage-by-stage (each stage across every vendor)
    bounds: {max_time: 10m, max_requests: 200000}
    vendors:
      - vendor: sandbox-solid        # a name under scenarios/vendors/, or a path
      - vendor: sandbox-defective
        overrides: {sandbox: {overrides: {defects: leak_phone}}}   # merged into the vendor file
    stages:
      - {id: accept, kind: accept, checks: [AUTH-001, PII-001]}
      - {id: peak, kind: run, scenario: ../smoke.yaml}
      - {id: capacity, kind: breakpoint, scenario: ../breakpoint.yaml}
    scoring_file: ../scoring/demo.yaml   # or the scoring model inline under 'scoring:'
    score_run: peak                  # whose summary.json the scoring reads (default: first run)

Paths are relative to the plan file. Every stage's scenario is loaded (and so checked) with the
plan; its own ``vendors:`` list is replaced by the plan's vendors when the stage runs. The stage
kinds are ``accept`` (the acceptance suite, optionally a ``contract`` and a subset of
``checks``), ``run`` (any scenario: a peak replay, a spike...), ``soak`` (a run whose load is
``kind: soak``) and ``breakpoint`` (a scenario with a ``breakpoint:`` block).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from harness.config.loader import Slug, StrictModel, display_path, validate
from harness.config.problems import ConfigValueError, Loc
from harness.config.scenario import Scenario, load_scenario
from harness.config.scoring import ScoringModel, load_scoring
from harness.config.suggest import did_you_mean
from harness.config.units import Duration
from harness.config.vendor import VendorSpec, load_vendor
from harness.errors import ConfigError

__all__ = [
    "RUN_KINDS",
    "PlanBounds",
    "PlanVendor",
    "PocPlan",
    "Stage",
    "load_poc",
    "merge_overrides",
    "poc_schema_text",
]

StageKind = Literal["accept", "run", "soak", "breakpoint"]
RUN_KINDS: Final = ("run", "soak")  # stages whose result is one run folder per vendor
_BUNDLED_VENDORS: Final = Path(__file__).resolve().parents[2] / "scenarios" / "vendors"


class PlanVendor(StrictModel):
    vendor: str = Field(
        min_length=1,
        examples=["sandbox-solid"],
        description="A vendor name (scenarios/vendors/<name>.yaml) or a vendor file path.",
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Merged into the vendor file (mappings key by key), e.g. "
        "{sandbox: {overrides: {defects: leak_phone}}} or {base_url: https://...}.",
    )
    contract: str | None = Field(
        default=None, description="This vendor's acceptance contract (overrides the stage's)."
    )
    skip: list[str] = Field(default_factory=list, description="Stage ids not run for it.")


class Stage(StrictModel):
    id: Slug = Field(examples=["peak"])
    kind: StageKind
    title: str | None = None
    scenario: str | None = Field(
        default=None, description="Scenario file (run, soak, breakpoint; for accept: allow_hosts)."
    )
    contract: str | None = Field(default=None, description="accept: the contract file.")
    checks: list[str] = Field(default_factory=list, description="accept: only these check ids.")
    estimate: Duration | None = Field(
        default=None, description="accept: expected time per vendor (default 60s)."
    )


class PlanBounds(StrictModel):
    max_time: Duration = Field(examples=["2h"], description="The whole plan, every stage.")
    max_requests: int = Field(gt=0, examples=[500000], description="All stages together.")


class PocPlan(StrictModel):
    name: Slug = Field(examples=["double11-poc"])
    description: str | None = None
    order: Literal["vendor-by-vendor", "stage-by-stage"] = "vendor-by-vendor"
    bounds: PlanBounds
    vendors: list[PlanVendor] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    scoring_file: str | None = Field(
        default=None, description="A scoring file, relative to the plan (or 'scoring:' inline)."
    )
    scoring: ScoringModel | None = Field(
        default=None, description="The scoring model inline (or 'scoring_file:')."
    )
    score_run: str | None = Field(
        default=None, description="The run stage whose summary.json the scoring reads."
    )
    _source: Path = PrivateAttr(default=Path())
    _vendors: dict[str, VendorSpec] = PrivateAttr(default_factory=dict)
    _vendor_files: dict[str, Path] = PrivateAttr(default_factory=dict)
    _scenarios: dict[str, Scenario] = PrivateAttr(default_factory=dict)
    _scoring: ScoringModel | None = PrivateAttr(default=None)

    @field_validator("vendors")
    @classmethod
    def _distinct_vendors(cls, value: list[PlanVendor]) -> list[PlanVendor]:
        seen = Counter(entry.vendor for entry in value)
        problems = [
            ((i,), "listed twice; remove one") for i, e in enumerate(value) if seen[e.vendor] > 1
        ]
        if problems:
            raise ConfigValueError(problems)
        return value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> PocPlan:
        source = info.context.get("source") if isinstance(info.context, dict) else None
        if source is None:
            return self
        self._source = Path(source)
        problems: list[tuple[Loc, str]] = []
        problems += self._stage_problems()
        problems += self._vendor_problems()
        problems += self._scoring_problems()
        if problems:
            raise ConfigValueError(problems)
        return self

    # --- resolved parts (after validation with a source) ---------------------------------

    @property
    def source(self) -> Path:
        return self._source

    def resolve(self, relative: str) -> Path:
        path = Path(relative)
        return path if path.is_absolute() else self._source.parent / path

    def vendor_spec(self, name: str) -> VendorSpec:
        return self._vendors[name]

    def vendor_file(self, name: str) -> Path:
        """The vendor's own file (before overrides)."""
        return self._vendor_files[name]

    def vendor_names(self) -> list[str]:
        return list(self._vendors)

    def entry(self, name: str) -> PlanVendor:
        index = list(self._vendors).index(name)
        return self.vendors[index]

    def stage_scenario(self, stage_id: str) -> Scenario:
        return self._scenarios[stage_id]

    @property
    def scoring_model(self) -> ScoringModel:
        assert self._scoring is not None
        return self._scoring

    @property
    def scored_stage(self) -> Stage | None:
        if self.score_run is not None:
            return next(s for s in self.stages if s.id == self.score_run)
        return next((s for s in self.stages if s.kind in RUN_KINDS), None)

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    # --- checks ----------------------------------------------------------------------------

    def _stage_problems(self) -> list[tuple[Loc, str]]:
        problems: list[tuple[Loc, str]] = []
        ids = Counter(stage.id for stage in self.stages)
        for i, stage in enumerate(self.stages):
            loc: Loc = ("stages", i)
            if ids[stage.id] > 1:
                problems.append(((*loc, "id"), f"'{stage.id}' is used twice; ids must be unique"))
            if stage.kind != "accept" and stage.scenario is None:
                problems.append((loc, f"a {stage.kind} stage needs 'scenario: <file>'"))
            if stage.kind != "accept" and (stage.contract or stage.checks or stage.estimate):
                problems.append((loc, "contract, checks and estimate are for accept stages only"))
            if stage.scenario is not None:
                problems += self._scenario_problems(stage, (*loc, "scenario"))
        if self.score_run is not None:
            runs = [s.id for s in self.stages if s.kind in RUN_KINDS]
            if self.score_run not in runs:
                hint = did_you_mean(self.score_run, runs)
                problems.append(
                    (
                        ("score_run",),
                        f"no run or soak stage '{self.score_run}'.{hint} "
                        f"Run stages: {', '.join(runs) or 'none'}",
                    )
                )
        return problems

    def _scenario_problems(self, stage: Stage, loc: Loc) -> list[tuple[Loc, str]]:
        assert stage.scenario is not None
        path = self.resolve(stage.scenario)
        if not path.is_file():
            return [(loc, f"no such file: {display_path(path)}")]
        try:
            scenario = load_scenario(path)
        except ConfigError as error:
            return [(loc, f"the scenario does not load: {error.problems[0]}")]
        self._scenarios[stage.id] = scenario
        if stage.kind == "soak" and scenario.load.kind != "soak":
            return [
                (
                    loc,
                    f"a soak stage needs 'load: {{kind: soak}}'; "
                    f"{display_path(path)} has kind {scenario.load.kind}",
                )
            ]
        if stage.kind == "breakpoint" and scenario.breakpoint is None:
            return [
                (
                    loc,
                    f"{display_path(path)} has no 'breakpoint:' block "
                    "(see scenarios/breakpoint.yaml)",
                )
            ]
        return []

    def _vendor_problems(self) -> list[tuple[Loc, str]]:
        problems: list[tuple[Loc, str]] = []
        stage_ids = [stage.id for stage in self.stages]
        for i, entry in enumerate(self.vendors):
            loc: Loc = ("vendors", i)
            try:
                path = self._vendor_path(entry.vendor)
            except ValueError as exc:
                problems.append(((*loc, "vendor"), str(exc)))
                continue
            try:
                spec = _merged_vendor(path, entry.overrides)
            except ConfigError as error:
                where = "overrides" if entry.overrides else "vendor"
                problems.append(((*loc, where), f"the vendor does not load: {error.problems[0]}"))
                continue
            if spec.name in self._vendors:
                problems.append(((*loc, "vendor"), f"vendor '{spec.name}' is listed twice"))
            self._vendors[spec.name] = spec
            self._vendor_files[spec.name] = path
            for j, skipped in enumerate(entry.skip):
                if skipped not in stage_ids:
                    hint = did_you_mean(skipped, stage_ids)
                    problems.append(((*loc, "skip", j), f"no stage '{skipped}'.{hint}"))
            if entry.contract is not None and not self.resolve(entry.contract).is_file():
                shown = display_path(self.resolve(entry.contract))
                problems.append(((*loc, "contract"), f"no such file: {shown}"))
        return problems

    def _vendor_path(self, entry: str) -> Path:
        if "/" in entry or "\\" in entry or entry.endswith((".yaml", ".yml")):
            path = self.resolve(entry)
            if not path.is_file():
                raise ValueError(f"no such file: {display_path(path)}")
            return path
        folders = [self._source.parent / "vendors", self._source.parent.parent / "vendors"]
        if _BUNDLED_VENDORS not in folders:
            folders.append(_BUNDLED_VENDORS)
        for folder in folders:
            if (folder / f"{entry}.yaml").is_file():
                return folder / f"{entry}.yaml"
        available = sorted({p.stem for f in folders if f.is_dir() for p in f.glob("*.yaml")})
        return _raise(
            f"no vendor named '{entry}' (looked in "
            f"{', '.join(display_path(f) for f in folders)}).{did_you_mean(entry, available)}"
        )

    def _scoring_problems(self) -> list[tuple[Loc, str]]:
        if (self.scoring is None) == (self.scoring_file is None):
            return [((), "give the scoring model once: 'scoring_file: <file>' or 'scoring:' "
                         "inline (see scenarios/poc/demo.yaml)")]  # fmt: skip
        if self.scoring is not None:
            self._scoring = self.scoring
        else:
            assert self.scoring_file is not None
            path = self.resolve(self.scoring_file)
            if not path.is_file():
                return [(("scoring_file",), f"no such file: {display_path(path)}")]
            self._scoring = load_scoring(path)  # its own errors name its own file and line
        unknown = sorted(set(self._scoring.manual) - set(self._vendors))
        if unknown and self._vendors and len(self._vendors) == len(self.vendors):
            return [
                (
                    ("scoring" if self.scoring is not None else "scoring_file",),
                    f"manual inputs for {', '.join(unknown)}, which the plan does "
                    f"not list (vendors: {', '.join(self._vendors)})",
                )
            ]
        return []


def _raise(message: str) -> Path:
    raise ValueError(message)


def merge_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` merged in: mappings key by key, anything else replaced."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_overrides(merged[key], value)
        else:
            merged[key] = value
    return merged


def _merged_vendor(path: Path, overrides: dict[str, Any]) -> VendorSpec:
    if not overrides:
        return load_vendor(path)
    from harness.config.loader import load_yaml, validate_data

    data, lines = load_yaml(path)
    return validate_data(VendorSpec, merge_overrides(data, overrides), lines, path)


def merged_vendor_text(path: Path, overrides: dict[str, Any]) -> str:
    """The vendor file with the plan's overrides merged in, as YAML (written per POC folder)."""
    from harness.config.loader import load_yaml

    data = merge_overrides(load_yaml(path)[0], overrides)
    header = f"# {path.name} with the POC plan's overrides, derived from {path.resolve()}\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def load_poc(path: str | os.PathLike[str]) -> PocPlan:
    """Load and validate one plan; every problem (stages, vendors, scoring) with file:line."""
    return validate(PocPlan, path)


def poc_schema_text() -> str:
    """``scenarios/poc/schema.json``: the JSON Schema of :class:`PocPlan`."""
    import json

    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **PocPlan.model_json_schema(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
