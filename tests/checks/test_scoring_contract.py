"""checks.json and the scoring model agree: the shipped example scores a real acceptance run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.analysis.scorecard import VendorInputs
from harness.analysis.scoring import score
from harness.config.scoring import load_scoring
from harness.sandbox import SandboxProcess
from tests.checks.test_mutation import run_suite
from tests.fixtures.acceptance import VendorFile

EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "scoring" / "double11-poc.yaml"
BREAKPOINT = {"schema_version": 1, "breakpoint_per_s": 120.0, "first_bad_per_s": 140.0}


def test_example_scores_a_real_checks_json(
    pytester: pytest.Pytester,
    acceptance_sandboxes: dict[str, SandboxProcess],
    vendor_file: VendorFile,
) -> None:
    _, checks = run_suite(pytester, vendor_file(acceptance_sandboxes["solid"].url))
    assert checks["pass_rate"] == 1.0 and checks["veto_failed"] == 0
    assert checks["pii_leaked"] == 0 and checks["migration_records_lost"] == 0
    assert checks["routing_accuracy"] == 1.0
    assert all(c["passed"] is True for c in checks["checks"])
    checks = json.loads(json.dumps(checks))  # exactly what a reader of the file sees
    vendor = VendorInputs(
        name="sandbox-solid",
        title_en="Sandbox",
        title_zh="沙箱",
        sources={"checks": checks, "breakpoint": BREAKPOINT},
    )
    (card,) = score(load_scoring(EXAMPLE), [vendor]).cards
    lines = {line.criterion: line for line in card.lines}
    points = {cid: lines[cid].points for cid in ("breakpoint", "acceptance", "routing-accuracy")}
    assert points == {"breakpoint": 70, "acceptance": 100, "routing-accuracy": 100}, lines
    vetoes = {v.veto: v for v in card.vetoes}
    for vid in ("data-loss", "pii-leak", "route-001"):
        assert vetoes[vid].status == "pass" and vetoes[vid].measured is not None, vetoes[vid]
