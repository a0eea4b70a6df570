"""``poc PLAN --resume DIR`` after PLAN was edited: refused with what changed and the fix, exit 2
(issue 18). A resumed POC mixing stages measured under two plans would not be one decision.
Layout and comments may change freely: only what the plan says counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness.poc.plan_change import plan_changes

ROOT = Path(__file__).resolve().parents[2]
SOLID = ROOT / "scenarios" / "vendors" / "sandbox-solid.yaml"

PLAN = """\
name: edited
bounds: {{max_time: 5m, max_requests: 5000}}
vendors:
  - vendor: {solid}
stages:
  - {{id: accept, kind: accept, checks: [AUTH-001], estimate: 10s}}
scoring:
  name: edited
  dimensions:
    capability:
      weight: 100
      criteria:
        - id: acceptance
          title: {{en: Checks passed, zh-CN: 检查通过率}}
          measure: checks.pass_rate
          weight: 100
          curve: {{kind: linear, target: 100%, limit: 0%}}
"""


def _poc(plan: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSM_")}
    return subprocess.run(
        [sys.executable, "-m", "harness", "poc", str(plan), "--lang", "en", *args],
        cwd=ROOT, capture_output=True, text=True, env={**env, "CSM_HARNESS_LANG": "en"},
        timeout=180,
    )  # fmt: skip


def test_resume_refuses_an_edited_plan_naming_the_change_and_the_fix(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    text = PLAN.format(solid=SOLID)
    plan.write_text(text, encoding="utf-8")
    first = _poc(plan, "--out", str(tmp_path / "out"))
    assert first.returncode == 0, first.stdout + first.stderr
    (root,) = (tmp_path / "out").iterdir()
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}

    plan.write_text(text.replace("checks: [AUTH-001]", "checks: [AUTH-001, PII-001]"), "utf-8")
    again = _poc(plan, "--resume", str(root))
    assert again.returncode == 2, again.stdout + again.stderr
    assert "Traceback" not in again.stderr
    message = again.stderr
    assert f"{plan}: changed since the POC in {root} began" in message
    assert "stages[accept].checks: [AUTH-001] -> [AUTH-001, PII-001]" in message
    assert f"{root / 'plan.yaml'}" in message  # the plan as first run, to undo the edit
    assert f"csm-harness poc {plan}" in message and "without --resume" in message
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before  # nothing touched

    # a comment and a new layout are not a change: the resume goes on
    reformatted = text.replace("{max_time: 5m, ", "{ max_time: 5m,  ")
    plan.write_text("# the same plan, reformatted\n" + reformatted, "utf-8")
    resumed = _poc(plan, "--resume", str(root))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "finished before: skipped" in resumed.stdout


def test_changes_are_named_by_path_with_stage_and_vendor_ids(tmp_path: Path) -> None:
    kept, edited = tmp_path / "kept.yaml", tmp_path / "edited.yaml"
    kept.write_text(
        "name: a\nvendors: [{vendor: x}, {vendor: y, skip: [peak]}]\n"
        "stages: [{id: peak, kind: run, scenario: p.yaml}]\nbounds: {max_time: 5m}\n",
        encoding="utf-8",
    )
    edited.write_text(
        "name: a\nvendors: [{vendor: x}, {vendor: y}, {vendor: z}]\n"
        "stages: [{id: peak, kind: run, scenario: q.yaml}]\n",
        encoding="utf-8",
    )
    assert plan_changes(kept, edited) == [
        "vendors[y].skip: [peak] -> (absent)",
        "vendors[z]: (absent) -> {vendor: z}",
        "stages[peak].scenario: p.yaml -> q.yaml",
        "bounds: {max_time: 5m} -> (absent)",
    ]
    assert plan_changes(kept, kept) == []
