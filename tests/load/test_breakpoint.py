"""``csm-harness breakpoint`` end to end: it finds the saturating sandbox's capacity, draws the
USL curve, and never passes its ceilings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.load.helpers import SCENARIOS, csm_harness

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _search(out: Path) -> tuple[Path, dict[str, Any]]:
    (folder,) = [p.parent for p in out.glob("*/breakpoint.json")]
    return folder, json.loads((folder / "breakpoint.json").read_text(encoding="utf-8"))


def test_finds_the_saturating_sandbox_capacity(tmp_path: Path) -> None:
    done = csm_harness(
        "breakpoint", str(ROOT / "scenarios" / "breakpoint.yaml"), "--out", str(tmp_path),
        cwd=tmp_path, timeout=330,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    folder, result = _search(tmp_path)
    steps = result["steps"]
    # The sandbox's own statement of its capacity, which the search never read.
    truth = json.loads(
        (folder / "steps" / steps[0]["run_id"] / "sandbox_truth.json").read_text(encoding="utf-8")
    )
    capacity = truth["capacity"]["items_per_s"]
    assert capacity == pytest.approx(10 / 3)
    found = result["breakpoint_per_s"]
    assert found == pytest.approx(capacity, rel=0.10), (found, capacity, done.stdout)
    assert result["stop_reason"] == "resolved"
    assert result["broken_slos"][0]["name"] == "throughput"
    assert result["first_bad_per_s"] / found - 1 <= 0.05 + 1e-9
    assert all(s["rate_per_s"] <= 20 for s in steps)
    assert result["usl"] is not None and result["usl"]["points"] == len(steps)
    assert result["search_time_s"] <= 300
    # The page shows the fitted USL curve as an SVG path, and the measured steps as dots.
    page = (folder / "breakpoint.html").read_text(encoding="utf-8")
    assert re.search(r'<path class="fit" d="M[\d. ]+L', page)
    assert page.count('<circle class="point"') >= 2 * len(steps)  # USL and offered charts
    assert (folder / "breakpoint.zh-CN.html").exists()
    for step in steps:
        assert (folder / "steps" / step["run_id"] / "report.html").exists()
    lines = done.stdout.strip().splitlines()
    assert lines[-1].startswith(f"Breakpoint: {_rate(found)}, first bad ")
    assert "Throughput keeps up" in lines[-1]
    assert any(line.startswith("Step 1 (ramp) at 2/s") for line in lines)


def _rate(value: float) -> str:
    from harness.i18n import fmt_per_second

    return fmt_per_second(value, "en")


def test_stops_at_the_rate_ceiling_and_says_so(tmp_path: Path) -> None:
    done = csm_harness(
        "breakpoint", str(SCENARIOS / "breakpoint-rate-ceiling.yaml"), "--out", str(tmp_path),
        cwd=tmp_path, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    folder, result = _search(tmp_path)
    assert [s["rate_per_s"] for s in result["steps"]] == [2.0, 4.0, 5.0]
    assert result["stop_reason"] == "max_rate"
    assert "up to the rate ceiling (5/s)" in " ".join(done.stdout.split())
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("Breakpoint: at least 5/s")
    # each step carries its own run's generator health (issue 13)
    for step in result["steps"]:
        run = json.loads((folder / "steps" / step["run_id"] / "summary.json").read_text("utf-8"))
        assert step["reliable"] is run["generator"]["reliable"]
    unreliable = [s["index"] for s in result["steps"] if not s["reliable"]]
    assert result["unreliable_steps"] == unreliable
    assert ("steps unreliable: generator saturated" in last) is bool(unreliable)


def test_stops_at_the_time_ceiling_and_says_so(tmp_path: Path) -> None:
    done = csm_harness(
        "breakpoint", str(SCENARIOS / "breakpoint-time-ceiling.yaml"), "--out", str(tmp_path),
        cwd=tmp_path, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    _, result = _search(tmp_path)
    assert result["stop_reason"] == "max_time"
    assert result["search_time_s"] <= 30
    assert 1 <= len(result["steps"]) <= 2
    assert "Stopped at the time ceiling (30 s)" in " ".join(done.stdout.split())
    # a step the ceiling cut (complete: false) is not a good step, whatever its SLOs read
    last_good = max(s["rate_per_s"] for s in result["steps"] if s["ok"])
    assert done.stdout.strip().splitlines()[-1] == f"Breakpoint: at least {_rate(last_good)}"
