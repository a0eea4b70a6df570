"""The demo's scoring file covers the demo's vendors and only what the demo measures."""

from __future__ import annotations

from harness.cli.run import DEMO_SCENARIO, DEMO_SCORING
from harness.config import load_scenario, load_vendor, resolve_vendors
from harness.config.scoring import load_scoring


def test_demo_scoring_has_manual_inputs_for_every_demo_vendor() -> None:
    scoring = load_scoring(DEMO_SCORING)
    scenario = load_scenario(DEMO_SCENARIO)
    vendors = {load_vendor(p).name for p in resolve_vendors(scenario, DEMO_SCENARIO)}
    assert set(scoring.manual) == vendors


def test_demo_scoring_measures_only_what_one_load_run_writes() -> None:
    text = DEMO_SCORING.read_text(encoding="utf-8")
    for source in ("breakpoint.", "checks.", "migration."):
        assert f"measure: {source}" not in text
