"""``csm-harness poc`` killed with SIGKILL in the middle of a stage, then ``--resume`` (issue 18).

Nothing may be lost or measured twice: the finished stage's files are not touched, the killed
stage is set aside whole and measured again from zero into a clean folder (its tickets are
exactly the scenario's planned arrivals, not those plus the killed pass's), and the pack is
complete. A real subprocess, the embedded sandbox on loopback; the kill goes to the csm-harness
process alone, as the OOM killer would send it, so its children must notice on their own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.config.scenario import load_scenario
from harness.data.schedule import planned_arrivals
from harness.errors import ConfigError
from harness.poc.stages import wait_for_orphans
from tests.poc.pack_checks import assert_html_agrees_with_json, assert_xlsx_agrees_with_json

ROOT = Path(__file__).resolve().parents[2]
PLANS = Path(__file__).resolve().parent / "plans"
SOLID = ROOT / "scenarios" / "vendors" / "sandbox-solid.yaml"

PLAN = """\
name: killed
bounds: {{max_time: 5m, max_requests: 5000}}
vendors:
  - vendor: {solid}
stages:
  - {{id: accept, kind: accept, checks: [AUTH-001], estimate: 10s}}
  - {{id: peak, kind: run, scenario: {run}}}
scoring:
  name: killed
  dimensions:
    capability:
      weight: 100
      criteria:
        - id: error-rate
          title: {{en: Error rate, zh-CN: 错误率}}
          measure: errors.rate
          weight: 100
          curve: {{kind: linear, target: 0.1%, limit: 5%}}
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSM_")}
    return {**env, "CSM_HARNESS_LANG": "en"}


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill_mid_peak(child: subprocess.Popen[bytes], out: Path, log: Path) -> Path:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and child.poll() is None:
        found = list(out.glob("*-poc-killed/sandbox-solid/peak/metrics.ndjson"))
        if found and found[0].read_bytes().count(b"\n") >= 2:
            os.kill(child.pid, signal.SIGKILL)  # the csm-harness process alone
            child.wait()
            return found[0].parents[2]
        time.sleep(0.1)
    raise AssertionError(f"the peak stage never started:\n{log.read_text(encoding='utf-8')}")


def _tree(folder: Path) -> dict[str, bytes]:
    files = (p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def test_sigkill_mid_stage_then_resume_keeps_finished_stages_and_reruns_the_killed_one(
    tmp_path: Path,
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.format(solid=SOLID, run=PLANS / "ci-run.yaml"), encoding="utf-8")
    log = tmp_path / "killed.log"
    out = tmp_path / "out"
    with log.open("wb") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "harness", "poc", str(plan), "--lang", "en", "--out", str(out)],
            cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, env=_env(), start_new_session=True,
        )  # fmt: skip
    try:
        root = _kill_mid_peak(child, out, log)
        assert child.returncode == -signal.SIGKILL
        accept_before = _tree(root / "sandbox-solid" / "accept")
        assert "checks.json" in accept_before
        assert not (root / "decision.json").exists()  # killed before the pack was written

        resumed = subprocess.run(
            [sys.executable, "-m", "harness", "poc", str(plan), "--lang", "en",
             "--resume", str(root)],
            cwd=ROOT, capture_output=True, text=True, env=_env(), timeout=240,
        )  # fmt: skip
    finally:
        deadline = time.monotonic() + 30  # the orphaned load process and sandbox end themselves
        while _group_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _group_alive(child.pid):
            os.killpg(child.pid, signal.SIGKILL)  # the group this test started, only
            raise AssertionError("children of the killed csm-harness outlived it by 30 s")
    text = resumed.stdout + resumed.stderr
    assert resumed.returncode == 0, text
    assert "Traceback" not in text
    assert "[1/2] accept (accept) · sandbox-solid · finished before: skipped" in resumed.stdout
    assert "[2/2] peak (run) · sandbox-solid · unfinished before" in resumed.stdout

    # the finished stage: not run again, not a byte changed
    assert _tree(root / "sandbox-solid" / "accept") == accept_before
    # the killed stage: kept aside whole, and measured again from zero
    (aside,) = (root / "sandbox-solid" / ".incomplete").iterdir()
    assert aside.name.startswith("peak-") and (aside / "metrics.ndjson").is_file()
    # the orphaned load process finished its write-out there before the folder was moved
    cut = json.loads((aside / "summary.json").read_text(encoding="utf-8"))
    assert cut["complete"] is False
    peak = root / "sandbox-solid" / "peak"
    assert not list(root.rglob("load.pid"))
    summary = json.loads((peak / "summary.json").read_text(encoding="utf-8"))
    assert summary["complete"] is True
    planned = planned_arrivals(load_scenario(PLANS / "ci-run.yaml"))
    assert summary["metrics"]["tickets_created"]["count"] == planned
    (records,) = (peak / "records").iterdir()  # one load process wrote here: the rerun's
    created = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    assert len(created) == planned
    assert len({r["external_id"] for r in created}) == planned

    decision = json.loads((root / "decision.json").read_text(encoding="utf-8"))
    assert decision["complete"] is True
    assert [s["verdict"] for s in decision["vendors"]["sandbox-solid"]["stages"]] == [
        "pass",
        "pass",
    ]
    for name in ("decision.html", "decision.en.html", "decision.xlsx", "scores.json"):
        assert (root / name).is_file(), name
    assert_html_agrees_with_json(root, "decision.en.html")
    assert_xlsx_agrees_with_json(root)


def test_setting_aside_waits_for_a_load_process_left_by_a_killed_pass(tmp_path: Path) -> None:
    folder = tmp_path / "peak"
    (folder / "steps" / "1").mkdir(parents=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (folder / "load.pid").write_text(f"{gone.pid}\n", encoding="utf-8")  # ended long ago
    late = subprocess.Popen(
        [sys.executable, "-c", "import pathlib, time; time.sleep(1); "
         f"pathlib.Path({str(folder / 'steps' / '1' / 'late')!r}).write_text('x')"]
    )  # fmt: skip
    (folder / "steps" / "1" / "load.pid").write_text(f"{late.pid}\n", encoding="utf-8")
    try:
        wait_for_orphans(folder)
        assert (folder / "steps" / "1" / "late").is_file()  # its last write came first
        assert not list(folder.rglob("load.pid"))
    finally:
        late.wait()


def test_a_load_process_that_will_not_end_is_named_with_the_fix(tmp_path: Path) -> None:
    stuck = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "load.pid").write_text(f"{stuck.pid}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=rf"pid {stuck.pid}.*kill {stuck.pid}"):
            wait_for_orphans(tmp_path, timeout_s=0.5)
    finally:
        stuck.kill()
        stuck.wait()
