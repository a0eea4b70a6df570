"""Creates the vendor committed but whose answers were lost (sandbox fault ``lost_answer``):
after the run the harness looks each one up by its external id, so its created count equals
the vendor's exactly, on two workers beside a CPU burner (issue 13)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.load.helpers import SCENARIOS, burning_cpus, csm_harness, records, run_dirs, summary

pytestmark = pytest.mark.slow


def test_lost_answers_are_looked_up_so_the_created_count_is_the_vendors(tmp_path: Path) -> None:
    with burning_cpus():
        done = csm_harness(
            "run", str(SCENARIOS / "lost-answers.yaml"), "--workers", "2",
            "--out", str(tmp_path), cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    [run_dir] = run_dirs(tmp_path)
    data = summary(run_dir)
    metrics = data["metrics"]
    truth = json.loads((run_dir / "sandbox_truth.json").read_text(encoding="utf-8"))
    rows = records(run_dir)
    outcomes = Counter(r["outcome"].split(":")[0] for r in rows)
    planned = data["load"]["planned_arrivals"]

    vendor_has = {t["external_id"] for t in truth["tickets"]}
    found = {r["external_id"] for r in rows if r["outcome"] == "found:connection"}
    assert found, "no create lost its answer: the test proves nothing"
    assert found <= vendor_has
    assert metrics["tickets_created"]["count"] == len(vendor_has)  # exactly the vendor's
    assert metrics["tickets_found"]["count"] == len(found)
    assert metrics["tickets_unknown"]["count"] == metrics["tickets_absent"]["count"] == 0
    assert len(rows) == planned and outcomes["unknown"] == 0
    # each found record names the vendor's ticket, as the vendor's own truth does
    by_external = {t["external_id"]: str(t["id"]) for t in truth["tickets"]}
    assert all(
        r["ticket_id"] == by_external[r["external_id"]] for r in rows if r["external_id"] in found
    )
    # the lookup's list requests are set-up requests, not ticket operations
    assert metrics["setup_requests"]["count"] >= 2  # at least one page per worker
    assert metrics["errors"]["total"] == planned
