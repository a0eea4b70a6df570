"""The POC plan file: strict like every config (bad-file corpus with exact messages), its
schema in sync, the schedule's order and estimates, and ``--dry-run`` refusing a plan whose
bounds cannot hold it (issue 18)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.config.poc import load_poc, poc_schema_text
from harness.errors import ConfigError
from harness.poc.schedule import build_schedule, over_bounds

ROOT = Path(__file__).resolve().parents[2]
BAD = Path(__file__).resolve().parent / "bad"
CASES = sorted(BAD.glob("*.yaml"))
DEMO = ROOT / "scenarios" / "poc" / "demo.yaml"
CI = Path(__file__).resolve().parent / "plans" / "ci.yaml"


def test_the_corpus_is_complete() -> None:
    assert len(CASES) >= 12
    assert sorted(p.stem for p in BAD.glob("*.expected")) == [p.stem for p in CASES]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_plan_gives_the_expected_message(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(ConfigError) as info:
        load_poc(path.relative_to(ROOT))
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert f"exit code: {info.value.exit_code}\n{info.value}\n" == expected
    assert len(info.value.problems) == 1 or path.stem == "duplicate-stage-id"


def test_the_shipped_schema_is_current() -> None:
    shipped = (ROOT / "scenarios" / "poc" / "schema.json").read_text(encoding="utf-8")
    assert shipped == poc_schema_text(), "regenerate: python -c 'from harness.config.poc import "
    'poc_schema_text; open("scenarios/poc/schema.json", "w").write(poc_schema_text())\''


def test_the_demo_plan_covers_three_vendors_and_three_kinds_of_stage() -> None:
    plan = load_poc(DEMO)
    assert plan.vendor_names() == ["sandbox-solid", "sandbox-saturating", "sandbox-defective"]
    assert [s.kind for s in plan.stages] == ["accept", "run", "breakpoint"]
    assert set(plan.scoring_model.manual) == set(plan.vendor_names())
    tasks = build_schedule(plan)
    assert [(t.vendor, t.stage.id) for t in tasks[:3]] == [
        ("sandbox-solid", "accept"),
        ("sandbox-solid", "peak"),
        ("sandbox-solid", "capacity"),
    ]  # vendor by vendor
    assert over_bounds(plan, tasks) == []


def test_stage_by_stage_order_and_skips() -> None:
    tasks = build_schedule(load_poc(CI))
    assert [t.key for t in tasks] == [
        "sandbox-solid/accept", "sandbox-defective/accept",
        "sandbox-solid/peak", "sandbox-defective/peak",
        "sandbox-solid/capacity",  # the defective vendor skips the breakpoint stage
    ]  # fmt: skip
    assert [t.index for t in tasks] == [1, 2, 3, 4, 5]
    run = tasks[2].estimate
    assert run.requests == 24 * 2  # 4/s for 6 s, two requests a ticket
    assert 6 < run.seconds <= 40  # the load plus start-up, never above bounds.max_duration


def _dry_run(plan: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "poc", str(plan), "--dry-run", "--lang", "en"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_dry_run_prints_the_schedule_and_sends_nothing(tmp_path: Path) -> None:
    done = _dry_run(CI)
    assert done.returncode == 0, done.stderr
    for text in ("sandbox-defective", "capacity", "total", "bounds: time 5m00s"):
        assert text in done.stdout


def test_dry_run_refuses_a_plan_its_bounds_cannot_hold(tmp_path: Path) -> None:
    text = CI.read_text(encoding="utf-8").replace("max_time: 5m", "max_time: 30s")
    tight = CI.parent / "tight.yaml"
    tight.write_text(text, encoding="utf-8")
    try:
        done = _dry_run(tight)
    finally:
        tight.unlink()
    assert done.returncode == 2
    assert "bounds.max_time is 30 s" in done.stderr and "Traceback" not in done.stderr
    assert "total" in done.stdout  # the schedule is still shown, to see what to cut


def _poc_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "poc", *args, "--lang", "en"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_bad_plan_exits_2_with_its_message_and_no_traceback() -> None:
    path = BAD / "skip-unknown-stage.yaml"
    done = _poc_cli(str(path.relative_to(ROOT)))
    assert done.returncode == 2
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()[1]
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""  # refused before anything ran


def test_resume_of_a_folder_that_is_no_poc_exits_2(tmp_path: Path) -> None:
    done = _poc_cli(str(CI), "--resume", str(tmp_path))
    assert done.returncode == 2
    assert "not a POC folder (no plan.yaml in it)" in done.stderr
    assert "Traceback" not in done.stderr


def test_time_left_counts_only_what_this_pass_still_runs() -> None:
    from harness.poc.runner import ProgressView

    tasks = build_schedule(load_poc(CI))
    said: list[str] = []
    view = ProgressView(said.append, tasks)
    assert view.left_s() == sum(t.estimate.seconds for t in tasks)
    for finished_before in tasks[:2]:
        view.settled(finished_before)
        view.note(finished_before, "finished before: skipped")
    assert view.left_s() == sum(t.estimate.seconds for t in tasks[2:])
    assert said[0] == "[1/5] accept (accept) · sandbox-solid · finished before: skipped"
