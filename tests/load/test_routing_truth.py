"""The probe's routing latency agrees with the sandbox's own record of the same tickets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.load.helpers import SCENARIOS, csm_harness, records, run_dirs, summary
from tests.load.quantiles import assert_percentiles_in_band, hull

PERCENTILES = (50, 90, 95, 99)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def truth_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("truth")
    done = csm_harness("run", str(SCENARIOS / "truth.yaml"), "--out", str(out), cwd=out)
    assert done.returncode == 0, done.stdout + done.stderr
    return {summary(d)["vendor"]["name"]: d for d in run_dirs(out)}


WEBHOOK_TRANSIT_MS = 50.0


def _truth_ms(run_dir: Path) -> dict[str, float]:
    truth = json.loads((run_dir / "sandbox_truth.json").read_text(encoding="utf-8"))
    return {t["external_id"]: t["queue_wait_s"] * 1000 for t in truth["tickets"]}


def _routed(run_dir: Path) -> list[dict[str, Any]]:
    routed = [r for r in records(run_dir) if r["outcome"] == "routed"]
    assert routed, "no ticket was routed"
    return routed


def test_webhook_mode_agrees_with_truth(truth_runs: dict[str, Path]) -> None:
    run_dir = truth_runs["slow-webhook"]
    assert summary(run_dir)["probe"]["mode"] == "webhook"
    server, routed = _truth_ms(run_dir), _routed(run_dir)
    assert len(routed) >= 8
    # a webhook arrives after the assignment: the measure is the truth plus its loopback
    # transit (a few ms, more on a busy machine)
    bands = [(server[r["external_id"]], server[r["external_id"]] + WEBHOOK_TRANSIT_MS)
             for r in routed]  # fmt: skip
    measured = summary(run_dir)["metrics"]["routing_latency"]
    assert_percentiles_in_band(measured, bands, PERCENTILES, _why(run_dir))


def _why(run_dir: Path) -> dict[str, object]:
    """What a failure needs to be understood: webhook retries and per-ticket differences."""
    truth = json.loads((run_dir / "sandbox_truth.json").read_text(encoding="utf-8"))
    server = _truth_ms(run_dir)
    gaps = sorted(round(r["routing_ms"] - server[r["external_id"]], 1) for r in _routed(run_dir))
    return {"webhooks": truth["webhooks"], "per_ticket_gap_ms": gaps}


def test_polling_mode_agrees_with_truth_within_its_brackets(truth_runs: dict[str, Path]) -> None:
    run_dir = truth_runs["slow-polling"]
    data = summary(run_dir)
    assert data["probe"]["mode"] == "polling"
    server, routed = _truth_ms(run_dir), _routed(run_dir)
    # bracketed polling dates each assignment inside its bracket; the truth (from the server's
    # receipt, a little after the harness's send) is held with it
    bands = [hull(r["routing_low_ms"], r["routing_high_ms"], server[r["external_id"]])
             for r in routed]  # fmt: skip
    assert_percentiles_in_band(data["metrics"]["routing_latency"], bands, PERCENTILES)
