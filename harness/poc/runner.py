"""Runs a plan's schedule into one POC folder, resumably, then writes the decision pack.

A task already finished (by its files: :func:`harness.poc.stages.state`) is skipped; an
unfinished one is set aside and run again. Before each task the plan's bounds are checked
against what has been spent plus the task's estimate; a task that would cross them is not
started. Ctrl-C stops the running stage the way the stage's own command does (its results are
kept) and ends the plan with :class:`Interrupted`; ``--resume`` picks it up. A vendor that
cannot be measured (an outage) leaves its stage unfinished and its later stages unrun in this
pass; the other vendors go on, and ``--resume`` runs what it missed.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.config.poc import PocPlan
from harness.poc.decision import build_decision, write_decision
from harness.poc.schedule import Task
from harness.poc.stages import execute, set_aside, state

__all__ = ["Interrupted", "PocOutcome", "ProgressView", "run_plan"]


class Interrupted(Exception):
    """Ctrl-C during a task: what was finished stays on disk."""


@dataclass(slots=True)
class PocOutcome:
    root: Path
    decision: dict[str, object]
    ran: list[str] = field(default_factory=list)  # task keys run now
    skipped: list[str] = field(default_factory=list)  # finished before (resume)
    not_run: list[str] = field(default_factory=list)  # stopped by bounds or an outage
    stopped_by: str | None = None
    unreachable: dict[str, str] = field(default_factory=dict)  # vendor -> why


class ProgressView:
    """One line per event: task n/N, stage, vendor, what runs, time left by estimate."""

    def __init__(self, say: Callable[[str], None], tasks: list[Task], every_s: float = 10.0):
        self._say = say
        self._tasks = tasks
        self._every = every_s
        self._task: Task | None = None
        self._task_start = 0.0
        self._last = 0.0
        self._settled: set[str] = set()  # finished before, or not run in this pass

    def settled(self, task: Task) -> None:
        """This task takes no time in this pass: its estimate leaves the time left."""
        self._settled.add(task.key)

    def left_s(self) -> float:
        pending = [t for t in self._tasks if t.key not in self._settled]
        if self._task is None:
            return sum(t.estimate.seconds for t in pending)
        spent = time.monotonic() - self._task_start
        rest = sum(t.estimate.seconds for t in pending if t.index > self._task.index)
        current = 0.0 if self._task.key in self._settled else self._task.estimate.seconds - spent
        return max(0.0, current) + rest

    def _prefix(self) -> str:
        task = self._task
        assert task is not None
        return (
            f"[{task.index}/{len(self._tasks)}] {task.stage.id} ({task.stage.kind}) · {task.vendor}"
        )

    def note(self, task: Task, what: str) -> None:
        self._task = task
        self._say(f"{self._prefix()} · {what}")

    def start(self, task: Task, note: str = "") -> None:
        self._task = task
        self._task_start = self._last = time.monotonic()
        self._say(
            f"{self._prefix()} · {note or 'starting'} · ~{_fmt(self.left_s())} left (estimate)"
        )

    def running(self, what: str) -> None:
        now = time.monotonic()
        if self._task is None or now - self._last < self._every:
            return
        self._last = now
        self._say(f"{self._prefix()} · {what} · ~{_fmt(self.left_s())} left (estimate)")

    def finished(self, task: Task, verdict: str) -> None:
        took = time.monotonic() - self._task_start
        self._say(f"{self._prefix()} · {verdict} in {_fmt(took)}")


def _fmt(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def prepare_root(plan: PocPlan, root: Path) -> None:
    """Create the folder and keep the plan as run beside the results."""
    root.mkdir(parents=True, exist_ok=True)
    kept = root / "plan.yaml"
    if not kept.exists():
        shutil.copyfile(plan.source, kept)


def run_plan(
    plan: PocPlan, root: Path, tasks: list[Task], view: ProgressView, lang: str
) -> PocOutcome:
    prepare_root(plan, root)
    outcome = PocOutcome(root, {})
    began = time.monotonic()
    spent_requests = 0
    for task in tasks:
        if state(root, task.vendor, task.stage) == "done":
            view.settled(task)
    for task in tasks:
        current = state(root, task.vendor, task.stage)
        if current == "done":
            outcome.skipped.append(task.key)
            view.note(task, "finished before: skipped")
            continue
        if task.vendor in outcome.unreachable:
            outcome.not_run.append(task.key)
            view.settled(task)
            view.note(task, "not run: the vendor could not be measured earlier in this pass")
            continue
        used = time.monotonic() - began
        if outcome.stopped_by is None:
            if used + task.estimate.seconds > plan.bounds.max_time:
                outcome.stopped_by = "bounds.max_time"
            elif spent_requests + task.estimate.requests > plan.bounds.max_requests:
                outcome.stopped_by = "bounds.max_requests"
        if outcome.stopped_by is not None:
            outcome.not_run.append(task.key)
            view.settled(task)
            view.note(task, f"not run: {outcome.stopped_by} would be crossed")
            continue
        if current == "incomplete":
            aside = set_aside(root, task.vendor, task.stage)
            view.start(task, f"unfinished before (kept in {aside}): running again")
        else:
            view.start(task)
        try:
            result = execute(plan, root, task.vendor, task.stage, lang, view.running)
        except KeyboardInterrupt:
            raise Interrupted(task.key) from None
        spent_requests += result.requests
        if result.interrupted:
            raise Interrupted(task.key)
        if result.unreachable is not None:
            outcome.unreachable[task.vendor] = result.unreachable
            view.settled(task)
            view.finished(task, "not measured (the vendor is unreachable; why: below)")
            continue
        outcome.ran.append(task.key)
        after = state(root, task.vendor, task.stage)
        view.finished(task, "done" if after == "done" else f"{after} (will rerun on --resume)")
    outcome.decision = finish(plan, root, tasks)
    return outcome


def finish(plan: PocPlan, root: Path, tasks: list[Task]) -> dict[str, object]:
    """decision.json, decision.html (+ its other language) and decision.xlsx, from the files."""
    from harness.report.decision_html import write_decision_pages
    from harness.report.decision_xlsx import write_decision_xlsx

    decision = build_decision(plan, root, tasks)
    write_decision(decision, root)
    write_decision_pages(decision, root)
    write_decision_xlsx(decision, root)
    return decision
