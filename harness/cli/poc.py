"""``csm-harness poc PLAN``: a whole vendor POC from one plan file into one decision pack.

Thin over :mod:`harness.poc`: loads the plan (:mod:`harness.config.poc`), prints or runs the
schedule, and reports where the decision pack is. Exit codes: 0 the decision pack is complete,
1 the plan's bounds stopped it before every stage ran, 2 usage or configuration, 3 a vendor
could not be measured (the other vendors still ran; ``--resume`` once it is back), 130 Ctrl-C
(finished stages are kept; ``--resume DIR`` continues).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from harness.cli.console import say, table, warn
from harness.cli.messages import detect_lang
from harness.config.poc import PocPlan, load_poc
from harness.errors import ConfigError, ThresholdsFailed, VendorError
from harness.i18n import Lang
from harness.poc.schedule import Task, build_schedule, over_bounds

__all__ = ["poc"]

_CHANGES_SHOWN = 5


def poc(
    plan: Annotated[Path, typer.Argument(help="POC plan YAML, e.g. scenarios/poc/demo.yaml.")],
    out: Annotated[Path, typer.Option(help="Folder under which the POC folder is made.")] = Path(
        "reports"
    ),
    resume: Annotated[
        Path | None,
        typer.Option(
            help="A POC folder to continue: finished stages (by their files) are "
            "skipped, unfinished ones run again."
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the schedule with time and request estimates."),
    ] = False,
    lang: Annotated[
        str | None, typer.Option(help="en or zh-CN (default: from the locale).")
    ] = None,
) -> None:
    """Run a POC plan: every stage for every vendor, then decision.html/.xlsx/.json."""
    language = detect_lang(lang)
    parsed = load_poc(plan)
    tasks = build_schedule(parsed)
    problems = over_bounds(parsed, tasks)
    if dry_run:
        _print_schedule(parsed, tasks, language)
    if problems:
        raise ConfigError(
            [
                f"{plan}: bounds: the plan's bounds cannot hold its schedule: {p}; "
                "raise bounds or shorten stages."
                for p in problems
            ]
        )
    if dry_run:
        return
    root = _root(parsed, out, resume)
    from harness.poc.runner import Interrupted, ProgressView, finish, run_plan

    say(f"POC {parsed.name}: {len(tasks)} tasks into {root}")
    view = ProgressView(say, tasks)
    try:
        outcome = run_plan(parsed, root, tasks, view, language)
    except Interrupted as stopped:
        warn(f"Interrupted during {stopped}; finished stages are kept in {root}.")
        try:
            finish(parsed, root, tasks)
        except Exception:  # the partial pack is a courtesy; the stages are safe
            pass
        warn(f"Resume with: csm-harness poc {plan} --resume {root}")
        raise typer.Exit(130) from None
    _print_ranking(outcome.decision, language)
    say(f"Decision: {root / 'decision.html'} (+ decision.xlsx, decision.json)")
    if outcome.unreachable:
        for vendor, why in outcome.unreachable.items():
            warn(f"{vendor} could not be measured: {why}")
        raise VendorError(
            f"{', '.join(outcome.unreachable)} could not be measured, so the decision is "
            f"incomplete; when the vendor is back: csm-harness poc {plan} --resume {root}"
        )
    if outcome.stopped_by is not None:
        warn(
            f"{outcome.stopped_by} reached: not run: {', '.join(outcome.not_run)}. "
            f"Raise it in {plan} and resume with --resume {root}."
        )
        raise ThresholdsFailed(f"the plan's {outcome.stopped_by} stopped it before every stage")


def _root(plan: PocPlan, out: Path, resume: Path | None) -> Path:
    if resume is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return out / f"{stamp}-poc-{plan.name}"
    if not (resume / "plan.yaml").is_file():
        raise ConfigError(
            f"--resume {resume}: not a POC folder (no plan.yaml in it); pass the "
            "folder a previous 'csm-harness poc' run printed."
        )
    from harness.poc.plan_change import plan_changes

    kept = resume / "plan.yaml"
    changes = plan_changes(kept, plan.source)
    if changes:
        shown = "; ".join(changes[:_CHANGES_SHOWN])
        hidden = len(changes) - _CHANGES_SHOWN
        more = f" (and {hidden} more)" if hidden > 0 else ""
        raise ConfigError(
            f"{plan.source}: changed since the POC in {resume} began: {shown}{more}. A resumed "
            f"POC runs the plan it began with: undo the edit (the plan as first run is {kept}), "
            f"or run the edited plan as a new POC: csm-harness poc {plan.source} "
            "(without --resume)."
        )
    return resume


def _fmt_s(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"


def _print_schedule(plan: PocPlan, tasks: list[Task], lang: Lang) -> None:
    zh = lang == "zh-CN"
    headers = (
        ["#", "阶段", "类型", "厂商", "预计时间", "预计请求数"]
        if zh
        else ["#", "stage", "kind", "vendor", "time (est.)", "requests (est.)"]
    )
    rows = [
        [
            str(t.index),
            t.stage.id,
            t.stage.kind,
            t.vendor,
            _fmt_s(t.estimate.seconds),
            str(t.estimate.requests),
        ]
        for t in tasks
    ]
    seconds = sum(t.estimate.seconds for t in tasks)
    requests = sum(t.estimate.requests for t in tasks)
    rows.append(["", "合计" if zh else "total", "", "", _fmt_s(seconds), str(requests)])
    table(headers, rows, title=f"POC {plan.name} ({plan.order})")
    bound = (
        f"上限：时间 {_fmt_s(plan.bounds.max_time)}，请求 {plan.bounds.max_requests}"
        if zh
        else f"bounds: time {_fmt_s(plan.bounds.max_time)}, requests {plan.bounds.max_requests}"
    )
    say(bound)


def _print_ranking(decision: dict[str, Any], lang: Lang) -> None:
    key = "zh-CN" if lang == "zh-CN" else "en"
    for standing in decision["ranking"]:
        vetoes = ", ".join(v["id"] for v in standing["vetoes_failed"])
        veto = f"  veto: {vetoes}" if vetoes else ""
        say(f"  {standing['rank']}. {standing['title'][key]}  {standing['total']:.2f}{veto}")
    for unranked in decision["not_ranked"]:
        say(f"  —  {unranked['why'][key]}")
