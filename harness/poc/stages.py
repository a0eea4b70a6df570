"""One task of a plan: a stage for one vendor, run through the existing orchestration.

Layout of a POC folder (``DIR``)::

    DIR/plan.yaml                     the plan as it was run (copied on the first run)
    DIR/vendors/<vendor>.yaml         a vendor file with the plan's overrides merged in
    DIR/<vendor>/<stage>/             accept: checks.json, junit.xml, accept.log, repro/
                                      run, soak: the run folder (summary.json, report.html)
                                      breakpoint: breakpoint.json, breakpoint.html, steps/
    DIR/<vendor>/<stage>.scenario.yaml  the run stage's scenario with the plan's vendor

Whether a task is finished is read from these files alone (:func:`state`): checks.json with a
result for every check asked for, a complete summary.json, a breakpoint.json whose search was
not interrupted. An unfinished folder is moved aside (``DIR/<vendor>/.incomplete/``) and the
task runs again.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

import yaml

from harness.config.loader import load_yaml
from harness.config.poc import PocPlan, Stage, merged_vendor_text
from harness.config.scenario import load_scenario
from harness.errors import ConfigError, VendorError
from harness.orchestrate.runs import Progress
from harness.results import checks_file
from harness.results.run_dir import RunDir

__all__ = ["StageResult", "State", "execute", "stage_dir", "state", "vendor_path"]

State = Literal["done", "incomplete", "missing"]
ACCEPT_LOG: Final = "accept.log"
ACCEPT_UNREACHABLE: Final = 3  # run_checks: the vendor could not be measured
ProgressFn = Callable[[str], None]
ORPHAN_WAIT_S: Final = 60.0  # a load process stops within a second of its parent's end


@dataclass(frozen=True, slots=True)
class StageResult:
    interrupted: bool
    requests: int
    unreachable: str | None = None  # the vendor could not be measured: why (no secret in it)


def stage_dir(root: Path, vendor: str, stage: Stage) -> Path:
    return root / vendor / stage.id


def vendor_path(plan: PocPlan, root: Path, vendor: str) -> Path:
    """The vendor file a task uses: the original, or the copy with the plan's overrides."""
    entry = plan.entry(vendor)
    original = plan.vendor_file(vendor)
    if not entry.overrides:
        return original.resolve()
    derived = root / "vendors" / f"{vendor}.yaml"
    if not derived.exists():
        derived.parent.mkdir(parents=True, exist_ok=True)
        derived.write_text(merged_vendor_text(original, entry.overrides), encoding="utf-8")
    return derived.resolve()


def expected_checks(stage: Stage) -> set[str] | None:
    """Check ids an accept stage must have results for (None: every registered check)."""
    if stage.checks:
        return set(stage.checks)
    return None


def state(root: Path, vendor: str, stage: Stage) -> State:
    folder = stage_dir(root, vendor, stage)
    if not folder.exists():
        return "missing"
    if stage.kind == "accept":
        return "done" if _accept_done(RunDir(folder).checks, stage) else "incomplete"
    if stage.kind == "breakpoint":
        data = _json(folder / "breakpoint.json")
        done = data is not None and data.get("stop_reason") != "interrupted"
        return "done" if done else "incomplete"
    summary = _json(folder / "summary.json")
    return "done" if summary is not None and summary.get("complete") is True else "incomplete"


def _checks(path: Path) -> checks_file.ChecksFile | None:
    """The checks file of a stage, None when the suite left none (or half of one)."""
    try:
        return checks_file.read(path)
    except ConfigError:
        return None


def _accept_done(path: Path, stage: Stage) -> bool:
    data = _checks(path)
    if data is None:
        return False
    outcomes = {c.id: c.outcome for c in data.checks}
    if any(outcome == "error" for outcome in outcomes.values()):
        return False
    wanted = expected_checks(stage)
    if wanted is None:
        from harness.checks.registry import all_checks

        wanted = {check.id for check in all_checks()}
    return wanted <= set(outcomes)


def _json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def set_aside(root: Path, vendor: str, stage: Stage) -> Path | None:
    """Move an unfinished stage folder out of the way; return where it went.

    A pass killed with SIGKILL leaves its load process to notice and write its report into
    this folder (by path) for a few seconds more: that is waited for first, so nothing of the
    killed pass lands in the folder of the rerun."""
    folder = stage_dir(root, vendor, stage)
    if not folder.exists():
        return None
    wait_for_orphans(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = root / vendor / ".incomplete" / f"{stage.id}-{stamp}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(folder), str(target))
    return target


def wait_for_orphans(folder: Path, timeout_s: float = ORPHAN_WAIT_S) -> None:
    """Wait until no load process named by a ``load.pid`` under ``folder`` is alive."""
    from harness.orchestrate.runs import LOAD_PID_FILE

    deadline = time.monotonic() + timeout_s
    for pid_file in sorted(folder.rglob(LOAD_PID_FILE)):
        try:
            pid = int(pid_file.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            continue
        while _alive(pid):
            if time.monotonic() > deadline:
                raise ConfigError(
                    f"{folder}: the load process (pid {pid}) of an earlier pass still runs "
                    f"after {timeout_s:.0f} s; stop it (kill {pid}) and resume again."
                )
            time.sleep(0.2)
        pid_file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process now has that pid: not ours
        return False
    try:  # a zombie has finished (whoever adopted it has not reaped it yet)
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def execute(
    plan: PocPlan, root: Path, vendor: str, stage: Stage, lang: str, report: ProgressFn
) -> StageResult:
    """Run one task; KeyboardInterrupt is caught by the orchestration below and reported.

    A vendor that cannot be measured (down, refusing the credentials) is not an error of the
    plan: the result says why, the stage stays unfinished and ``--resume`` runs it again."""
    path = vendor_path(plan, root, vendor)
    folder = stage_dir(root, vendor, stage)
    try:
        if stage.kind == "accept":
            return _accept(plan, path, folder, vendor, stage, lang)
        if stage.kind == "breakpoint":
            return _breakpoint(plan, path, folder, stage, lang, report)
        return _run(plan, path, folder, stage, report)
    except VendorError as error:
        return StageResult(interrupted=False, requests=0, unreachable=str(error))


def _accept(
    plan: PocPlan, path: Path, folder: Path, vendor: str, stage: Stage, lang: str
) -> StageResult:
    from harness.checks.launch import run_checks

    contract = plan.entry(vendor).contract or stage.contract
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / ACCEPT_LOG
    # pytest's report goes to the stage's log: the POC's progress view stays one line a step
    with log.open("w", encoding="utf-8") as sink, redirect_stdout(sink), redirect_stderr(sink):
        code = run_checks(
            str(path),
            folder,
            scenario=plan.resolve(stage.scenario) if stage.scenario else None,
            contract=plan.resolve(contract) if contract else None,
            checks=list(stage.checks) or None,
            lang="zh-CN" if lang == "zh-CN" else "en",
            quiet=True,
        )
    data = _checks(RunDir(folder).checks)
    requests = sum(c.requests for c in data.checks) if data is not None else 0
    unreachable = _exit_reason(log) if code == ACCEPT_UNREACHABLE else None
    return StageResult(interrupted=code == 2, requests=requests, unreachable=unreachable)


def _exit_reason(log: Path) -> str:
    """The suite's own one-line reason for stopping (pytest prints it as ``Exit: ...``)."""
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Exit: "):
            return line.removeprefix("Exit: ").strip()
    return f"the vendor could not be measured; see {log}"


def _run(plan: PocPlan, path: Path, folder: Path, stage: Stage, report: ProgressFn) -> StageResult:
    from harness.orchestrate.runs import run_vendor
    from harness.report import html

    assert stage.scenario is not None
    scenario_path = folder.parent / f"{stage.id}.scenario.yaml"
    _write_run_scenario(plan.resolve(stage.scenario), path, scenario_path)
    scenario = load_scenario(scenario_path)
    outcome = run_vendor(
        scenario_path,
        scenario,
        path,
        out_dir=folder.parent,
        run_id=stage.id,
        on_progress=lambda p: report(_progress_text(p)),
    )
    if outcome.recovered:  # a recovered run has no report yet: write it, marked incomplete
        html.write_run_report(outcome.summary, outcome.run_dir, "en")
    return StageResult(outcome.interrupted, _requests(outcome.run_dir / "summary.json"))


def _write_run_scenario(original: Path, vendor_file: Path, target: Path) -> None:
    data, _ = load_yaml(original)
    data["vendors"] = [str(vendor_file)]
    load = data.get("load")
    if isinstance(load, dict) and isinstance(load.get("schedule"), str):
        schedule = Path(load["schedule"])
        if not schedule.is_absolute():
            load["schedule"] = str((original.parent / schedule).resolve())
    header = f"# The POC stage's scenario: {original.resolve()} with the plan's vendor\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    target.write_text(header + text, encoding="utf-8")


def _breakpoint(
    plan: PocPlan, path: Path, folder: Path, stage: Stage, lang: str, report: ProgressFn
) -> StageResult:
    from harness.analysis.breakpoint import Phase, StepOutcome
    from harness.orchestrate.breakpoints import SearchObserver, run_breakpoint
    from harness.report.breakpoint_html import write_breakpoint_json, write_breakpoint_report

    assert stage.scenario is not None
    scenario_path = plan.resolve(stage.scenario)

    class Observer(SearchObserver):
        rate = 0.0

        def step_started(self, index: int, phase: Phase, rate: float) -> None:
            self.rate = rate
            report(f"step {index} ({phase}) at {rate:.3g}/s")

        def step_progress(self, progress: Progress) -> None:
            report(f"step at {self.rate:.3g}/s: {_progress_text(progress)}")

        def step_finished(self, step: StepOutcome) -> None:
            report(f"step {step.index} at {step.rate:.3g}/s: {'good' if step.ok else 'broke'}")

    result = run_breakpoint(
        scenario_path, plan.stage_scenario(stage.id), path, search_dir=folder, observer=Observer()
    )
    write_breakpoint_json(result, folder)
    write_breakpoint_report(result, folder, "zh-CN" if lang == "zh-CN" else "en")
    requests = sum(_requests(p) for p in folder.glob("steps/*/summary.json"))
    return StageResult(result.stop_reason == "interrupted", requests)


def _progress_text(progress: Progress) -> str:
    return (
        f"{progress.created}/{progress.planned} tickets created, {progress.routed} routed, "
        f"{progress.errors} errors"
    )


def _requests(summary_path: Path) -> int:
    data = _json(summary_path) or {}
    metric = (data.get("metrics") or {}).get("requests") or {}
    return int(metric.get("count") or 0)
