"""Scoring: table-driven cases with hand-computed scores, vetoes, ranking and explanations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.analysis.scorecard import VendorInputs, read_scores, write_scores
from harness.analysis.scoring import score
from harness.config.loader import validate_data
from harness.config.problems import LineMap
from harness.config.scoring import ScoringModel, load_scoring
from harness.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "scoring" / "double11-poc.yaml"


def _criterion(
    cid: str, measure: str, curve: dict[str, Any], weight: float = 100
) -> dict[str, Any]:
    return {
        "id": cid,
        "title": {"en": cid, "zh-CN": cid},
        "measure": measure,
        "weight": weight,
        "curve": curve,
    }


def _one(measure: str, curve: dict[str, Any]) -> dict[str, Any]:
    """A model whose whole score is one criterion: total == the criterion's points."""
    return {
        "name": "t",
        "dimensions": {
            "capability": {"weight": 100, "criteria": [_criterion("c", measure, curve)]}
        },
    }


def _model(data: dict[str, Any]) -> ScoringModel:
    return validate_data(ScoringModel, data, LineMap({}), "scoring.yaml")


def _vendor(name: str, **sources: object) -> VendorInputs:
    return VendorInputs(name=name, title_en=name.title(), title_zh=name, sources=sources)


def _summary(**metrics: dict[str, float | None]) -> dict[str, Any]:
    return {"metrics": metrics}


P95 = "routing_latency.p95_ms"
LINEAR_LOW = {"kind": "linear", "target": "2s", "limit": "30s"}  # ms: 2000 .. 30000
LINEAR_HIGH = {"kind": "linear", "target": 8, "limit": 2}
STEP_LOW = {
    "kind": "step",
    "steps": [{"at_most": 0.5, "points": 100}, {"at_most": 2, "points": 70},
              {"at_most": 8, "points": 30}],
}  # fmt: skip
STEP_HIGH = {"kind": "step", "steps": [{"at_least": 200, "points": 100},
                                       {"at_least": 100, "points": 70}]}  # fmt: skip
TCO = {"source": "quote"}


@dataclass
class Case:
    id: str
    model: dict[str, Any]
    vendors: list[VendorInputs]
    totals: dict[str, float]  # hand-computed
    order: list[str] = field(default_factory=list)  # expected ranking, when it matters


# fmt: off
CASES = [
    # (30000 - 9000) / (30000 - 2000) = 0.75
    Case("linear-lower-between", _one(P95, LINEAR_LOW),
         [_vendor("a", summary=_summary(routing_latency={"p95_ms": 9000}))], {"a": 75.0}),
    Case("linear-lower-clamps-at-target", _one(P95, LINEAR_LOW),
         [_vendor("a", summary=_summary(routing_latency={"p95_ms": 1500}))], {"a": 100.0}),
    Case("linear-lower-clamps-at-limit", _one(P95, LINEAR_LOW),
         [_vendor("a", summary=_summary(routing_latency={"p95_ms": 45000}))], {"a": 0.0}),
    # higher is better: (5 - 2) / (8 - 2) = 0.5; 10 is past the target
    Case("linear-higher-between", _one("tickets_created.per_second", LINEAR_HIGH),
         [_vendor("a", summary=_summary(tickets_created={"per_second": 5})),
          _vendor("b", summary=_summary(tickets_created={"per_second": 10})),
          _vendor("c", summary=_summary(tickets_created={"per_second": 1}))],
         {"a": 50.0, "b": 100.0, "c": 0.0}, ["b", "a", "c"]),
    # rates written as percentages: (5% - 2%) / (5% - 0.1%) = 0.03 / 0.049
    Case("linear-percent", _one("errors.rate", {"kind": "linear", "target": "0.1%", "limit": "5%"}),
         [_vendor("a", summary=_summary(errors={"rate": 0.02}))], {"a": 100 * 0.03 / 0.049}),
    # best step reached: 1.5 h <= 2 h gives 70; 9 h reaches none
    Case("step-lower", _one("checks.sla_h", STEP_LOW),
         [_vendor("a", checks={"sla_h": 1.5}), _vendor("b", checks={"sla_h": 9}),
          _vendor("c", checks={"sla_h": 0.5})],
         {"a": 70.0, "b": 0.0, "c": 100.0}, ["c", "a", "b"]),
    Case("step-higher", _one("breakpoint.breakpoint_rate", STEP_HIGH),
         [_vendor("a", breakpoint={"breakpoint_rate": 150.0}),
          _vendor("b", breakpoint={"breakpoint_rate": 99.0})], {"a": 70.0, "b": 0.0}),
    # no breakpoint.json: 0 and "not measured", never full marks
    Case("missing-file", _one("breakpoint.breakpoint_rate", STEP_HIGH),
         [_vendor("a"), _vendor("b", breakpoint={"breakpoint_rate": 250})],
         {"a": 0.0, "b": 100.0}, ["b", "a"]),
    Case("missing-key", _one(P95, LINEAR_LOW),
         [_vendor("a", summary=_summary(routing_latency={"p95_ms": None}))], {"a": 0.0}),
    # a named list item: checks[id=ROUTE-001].passed is true -> 1
    Case("path-selects-list-item", _one("checks.checks[id=ROUTE-001].passed",
                                        {"kind": "linear", "target": 1, "limit": 0}),
         [_vendor("a", checks={"checks": [{"id": "X"}, {"id": "ROUTE-001", "passed": True}]}),
          _vendor("b", checks={"checks": [{"id": "ROUTE-001", "passed": False}]})],
         {"a": 100.0, "b": 0.0}),
    # manual inputs, defaults 50/30/20: capability 100 -> 50; service 70 -> 21; price 0
    Case(
        "default-weights-and-manual",
        {
            "name": "t",
            "dimensions": {
                "capability": {"criteria": [_criterion("p95", P95, LINEAR_LOW)]},
                "service": {"criteria": [_criterion("sla", "manual.sla_h", STEP_LOW)]},
                "price": {"criteria": [_criterion("tco", "tco.total",
                                                  {"kind": "linear", "target": 100, "limit": 50})]},
            },
            "manual": {"a": {"values": {"sla_h": {"value": 2, "source": "RFP 4.2"}},
                             "tco": {**TCO, "one_off": {"setup": 10}}}},
        },
        [_vendor("a", summary=_summary(routing_latency={"p95_ms": 100}))],
        {"a": 50 + 0.3 * 70 + 0.0},
    ),
    # 3+2 TCO: a = 100 + 3*10 + 2*5 = 140, b = 40 + 3*10 = 70; relative: b 100, a 100*70/140
    Case(
        "tco-relative",
        {
            "name": "t",
            "dimensions": {"price": {"weight": 100, "criteria": [
                _criterion("tco", "tco.total", {"kind": "relative"})]}},
            "manual": {
                "a": {"tco": {**TCO, "one_off": {"setup": 100}, "per_year": {"licence": 10},
                              "hidden_per_year": {"upkeep": 5}}},
                "b": {"tco": {**TCO, "one_off": {"setup": 40}, "per_year": {"licence": 10}}},
            },
        },
        [_vendor("a"), _vendor("b"), _vendor("c")],
        {"a": 50.0, "b": 100.0, "c": 0.0}, ["b", "a", "c"],
    ),
    # a scores 75 but fails a veto: it ranks after b (25) and after c (0)
    Case(
        "veto-reorders",
        {
            **_one(P95, LINEAR_LOW),
            "vetoes": [{"id": "pii", "title": {"en": "PII leaked", "zh-CN": "个人信息泄露"},
                        "measure": "checks.pii_leaked", "require": "== 0"}],
        },
        [_vendor("a", summary=_summary(routing_latency={"p95_ms": 9000}), checks={"pii_leaked": 2}),
         _vendor("b", summary=_summary(routing_latency={"p95_ms": 23000}),
                 checks={"pii_leaked": 0}),
         _vendor("c", checks={"pii_leaked": 0})],
        {"a": 75.0, "b": 25.0, "c": 0.0}, ["b", "c", "a"],
    ),
    # equal totals rank by name
    Case("ties-by-name", _one(P95, LINEAR_LOW),
         [_vendor("zeta", summary=_summary(routing_latency={"p95_ms": 100})),
          _vendor("alpha", summary=_summary(routing_latency={"p95_ms": 100}))],
         {"zeta": 100.0, "alpha": 100.0}, ["alpha", "zeta"]),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hand_computed_scores(case: Case) -> None:
    report = score(_model(case.model), case.vendors)
    totals = {card.vendor: card.total for card in report.cards}
    assert totals == pytest.approx(case.totals)
    if case.order:
        assert [card.vendor for card in report.cards] == case.order
    assert [card.rank for card in report.cards] == list(range(1, len(case.vendors) + 1))


def test_not_measured_is_flagged_and_explained() -> None:
    report = score(_model(_one("breakpoint.breakpoint_rate", STEP_HIGH)), [_vendor("a")])
    (line,) = report.cards[0].lines
    assert (line.measured, line.points, line.contribution) == (None, 0.0, 0.0)
    assert line.explanation_en == (
        "not measured (no breakpoint.json in the run folder) → 0 points × 100% = 0"
    )
    assert "未测得（运行目录中没有 breakpoint.json）" in line.explanation_zh
    assert report.cards[0].not_measured == 1
    assert "1 criteria not measured" in report.cards[0].explanation_en


def test_lines_explain_curve_points_weight_and_source() -> None:
    model = _model(CASES[10].model)
    card = score(model, CASES[10].vendors).cards[0]
    p95, sla, tco = card.lines
    assert p95.explanation_en == (
        "routing_latency.p95_ms = 100 ms; linear: 100 at ≤ 2 s, 0 at ≥ 30 s → 100.0 points "
        "× 50% = 50.0"
    )
    assert sla.weight == 30 and sla.points == 70 and sla.source == "RFP 4.2"
    assert sla.explanation_en.endswith("→ 70.0 points × 30% = 21.0; source: RFP 4.2")
    assert "阶梯：≤ 0.5 → 100，≤ 2 → 70，≤ 8 → 30，否则 0 分 → 70.0 分 × 30% = 21.0" in (
        sla.explanation_zh
    )
    assert tco.measured == 10 and tco.points == 0 and tco.unit == "CNY"
    assert [d.score for d in card.dimensions] == pytest.approx([50.0, 21.0, 0.0])


def test_veto_explanation_names_the_veto_and_the_measured_value() -> None:
    case = next(c for c in CASES if c.id == "veto-reorders")
    last = score(_model(case.model), case.vendors).cards[-1]
    assert last.vendor == "a" and last.vetoed
    assert last.vetoes[0].explanation_en == "VETO PII leaked: checks.pii_leaked = 2, required == 0"
    assert last.explanation_en == (
        "#3 A: vetoed by pii (checks.pii_leaked = 2, required == 0); ranked after every vendor "
        "without a veto (weighted score 75.0)"
    )
    assert "否决项 pii（checks.pii_leaked = 2，要求 == 0）" in last.explanation_zh


def test_missing_veto_value_fails_unless_allowed() -> None:
    veto = {"id": "loss", "title": {"en": "Loss", "zh-CN": "丢失"},
            "measure": "migration.records_lost", "require": "== 0"}  # fmt: skip
    strict = _model({**_one(P95, LINEAR_LOW), "inputs": {"migration": "m.json"}, "vetoes": [veto]})
    card = score(strict, [_vendor("a")]).cards[0]
    assert card.vetoed and card.vetoes[0].status == "not_measured"
    lenient = strict.model_copy(
        update={"vetoes": [strict.vetoes[0].model_copy(update={"when_missing": "pass"})]}
    )
    assert not score(lenient, [_vendor("a")]).cards[0].vetoed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"capability": {"weight": 50, "criteria": [_criterion("a", P95, LINEAR_LOW)]},
             "service": {"weight": 40, "criteria": [_criterion("b", P95, LINEAR_LOW)]}},
            "dimensions: dimension weights add up to 90 (capability 50 + service 40); they must "
            "add up to 100. Set 'weight:' on each dimension.",
        ),
        (
            {"capability": {"criteria": [_criterion("a", P95, LINEAR_LOW)]}},
            "dimensions: dimension weights add up to 50 (capability 50); they must add up to 100.",
        ),
        (
            {"capability": {"weight": 100, "criteria": [_criterion("a", P95, LINEAR_LOW, 60),
                                                        _criterion("b", P95, LINEAR_LOW, 30)]}},
            "dimensions.capability.criteria: criteria weights add up to 90 (a 60 + b 30); they "
            "must add up to 100.",
        ),
        (
            {"quality": {"criteria": [_criterion("a", P95, LINEAR_LOW)]}},
            "dimensions.quality: needs a weight: only capability (50), service (30), price (20) "
            "have defaults.",
        ),
        (
            {"capability": {"weight": 100,
                            "criteria": [_criterion("a", "routing_latncy.p95_ms", LINEAR_LOW)]}},
            "unknown source 'routing_latncy'. Did you mean 'routing_latency'?",
        ),
    ],
    ids=["sum-90", "defaults-50", "criteria-90", "no-default", "unknown-source"],
)  # fmt: skip
def test_weights_and_sources_are_checked(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        _model({"name": "t", "dimensions": change})
    assert message in str(info.value)


def test_manual_value_needs_a_source_and_a_user(tmp_path: Path) -> None:
    path = tmp_path / "scoring.yaml"
    path.write_text(
        "name: t\n"
        "dimensions:\n"
        "  capability:\n"
        "    weight: 100\n"
        "    criteria:\n"
        "      - {id: a, title: {en: A, zh-CN: 甲}, measure: manual.sla, weight: 100,\n"
        "         curve: {kind: linear, target: 1, limit: 8}}\n"
        "manual:\n"
        "  acme:\n"
        "    values:\n"
        "      sla: {value: 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_scoring(path)
    shown = path.as_posix()
    assert info.value.problems == [
        f"{shown}:11: manual.acme.values.sla.source: field required. Add 'source: Contract "
        "draft v3, section 4.2'."
    ]
    text = path.read_text(encoding="utf-8").replace(
        "sla: {value: 2}", "slaa: {value: 2, source: RFP}"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_scoring(path)
    assert info.value.problems == [
        f"{shown}:11: manual.acme.values.slaa: no criterion or veto uses manual.slaa. Did you "
        "mean 'sla'?"
    ]


def test_shipped_example_loads_and_scores_the_two_sandboxes(tmp_path: Path) -> None:
    model = load_scoring(EXAMPLE)
    assert {name: model.weight_of(name) for name in model.dimensions} == {
        "capability": 50, "service": 30, "price": 20,
    }  # fmt: skip
    checks = {"pass_rate": 1.0, "routing_accuracy": 0.95, "pii_leaked": 0,
              "migration_records_lost": 0,
              "checks": [{"id": "ROUTE-001", "passed": True}]}  # fmt: skip
    solid = _vendor("sandbox-solid", summary=_summary(
        routing_latency={"p95_ms": 370.0}, errors={"rate": 0.0003}, unrouted={"rate": 0.0},
        tickets_created={"per_second": 20.0}), checks=checks,
        breakpoint={"breakpoint_per_s": 240.0})  # fmt: skip
    saturating = _vendor("sandbox-saturating", summary=_summary(
        routing_latency={"p95_ms": 14300.0}, errors={"rate": 0.042}, unrouted={"rate": 0.031},
        tickets_created={"per_second": 20.0}), checks=checks,
        breakpoint={"breakpoint_per_s": 60.0})  # fmt: skip
    report = score(model, [saturating, solid])
    assert [card.vendor for card in report.cards] == ["sandbox-solid", "sandbox-saturating"]
    assert not any(card.vetoed for card in report.cards)
    assert report.cards[0].not_measured == 0
    path = write_scores(report, tmp_path / "scores.json")
    assert read_scores(path) == report
    assert json.loads(path.read_text(encoding="utf-8"))["cards"][0]["rank"] == 1
