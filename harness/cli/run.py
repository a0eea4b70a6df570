"""``csm-harness run`` and ``csm-harness demo``: thin calls into :mod:`harness.orchestrate.runs`."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from harness.cli.compare import score_runs
from harness.cli.console import progress_bar, say, say_unwrapped, table, warn
from harness.cli.messages import detect_lang, msg
from harness.cli.plan_view import explain_text, plan_lines, scenario_plan
from harness.cli.vendor_sets import SetOption, WebhookListenOption, use_vendor_sets
from harness.config import Scenario, load_scenario, load_vendor, resolve_vendors
from harness.config.durations import format_duration_ms
from harness.config.scoring import load_scoring
from harness.errors import ConfigError, ThresholdsFailed
from harness.i18n import Lang
from harness.orchestrate.distributed import DEFAULT_MASTER_PORT, MasterSpec
from harness.orchestrate.preflight import check_environment
from harness.orchestrate.runs import Progress, run_vendor
from harness.report import compare_html, html
from harness.report.compare import Comparison
from harness.report.history import update_index
from harness.report.i18n import t
from harness.results.model import RunSummary
from harness.results.run_dir import SCORES

DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "smoke.yaml"
DEMO_SCORING = Path(__file__).resolve().parents[2] / "scenarios" / "scoring" / "demo.yaml"


OutOption = Annotated[Path, typer.Option(help="Folder for the results.")]
LangOption = Annotated[str | None, typer.Option(help="en or zh-CN (default: from the locale).")]
ScoringOption = Annotated[
    Path | None,
    typer.Option(
        help="Scoring YAML: score the vendors after the runs (scores.json in the batch folder), "
        "rank the comparison by it (a failed veto ranks last) and show each score in the reports."
    ),
]


def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML, e.g. scenarios/smoke.yaml.")],
    vendor: Annotated[
        list[str] | None,
        typer.Option("--vendor", help="Only these of the scenario's vendors (repeatable)."),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Local Locust worker processes (Locust master/worker).")
    ] = 1,
    expect_workers: Annotated[
        int,
        typer.Option(
            min=0,
            help="Run as a master and wait for this many external workers "
            "('csm-harness worker --master HOST' on other machines).",
        ),
    ] = 0,
    master_bind_host: Annotated[
        str, typer.Option(help="With --expect-workers: interface the master listens on.")
    ] = "*",
    master_bind_port: Annotated[
        int, typer.Option(min=1, max=65535, help="With --expect-workers: the master's port.")
    ] = DEFAULT_MASTER_PORT,
    expect_workers_max_wait: Annotated[
        float, typer.Option(min=1, help="With --expect-workers: seconds to wait for them.")
    ] = 120.0,
    out: OutOption = Path("reports"),
    explain: Annotated[bool, typer.Option(help="Print the expanded scenario and exit.")] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Show target, vendor, shape and the first requests (redacted curl); send nothing.",
        ),
    ] = False,
    show: Annotated[
        int, typer.Option(min=1, max=100, help="With --dry-run: how many arrivals to show.")
    ] = 3,
    lang: LangOption = None,
    scoring: ScoringOption = None,
    vendor_set: SetOption = None,
    webhook_listen: WebhookListenOption = None,
) -> None:
    """Run a scenario against its vendors; exit 1 if any threshold fails."""
    language = detect_lang(lang)
    use_vendor_sets(vendor_set, webhook_listen)
    parsed = load_scenario(scenario)
    if explain:
        say(explain_text(parsed, language))
        return
    if dry_run:
        print_dry_run(scenario, parsed, _vendor_paths(scenario, parsed, vendor or []), show,
                      language)  # fmt: skip
        return
    master = None
    if expect_workers:
        if workers > 1:
            raise ConfigError("--workers and --expect-workers exclude each other: pick one.")
        master = MasterSpec(
            expect_workers, master_bind_host, master_bind_port, expect_workers_max_wait
        )
        say(msg("run.master", language, workers=expect_workers, port=master_bind_port))
    batch_dir = out / _batch_id(parsed.name)
    summaries = _run_all(scenario, vendor or [], workers, batch_dir, language, master, scoring)
    if any(s.verdict == "fail" for s in summaries):
        raise ThresholdsFailed("at least one vendor failed a threshold (see the table above)")


def demo(
    out: OutOption = Path("reports"),
    lang: LangOption = None,
    scoring: Annotated[
        Path | None,
        typer.Option(help="Scoring YAML for the comparison (default: the shipped example)."),
    ] = DEMO_SCORING,
) -> None:
    """The demo POC: the smoke scenario against two embedded sandbox vendors, compared."""
    language = detect_lang(lang)
    say(msg("demo.intro", language, scenario=DEMO_SCENARIO.name))
    started = time.monotonic()
    _run_all(DEMO_SCENARIO, [], 1, out / _batch_id("demo"), language, scoring=scoring)
    say(msg("demo.elapsed", language, seconds=time.monotonic() - started))


def _batch_id(name: str) -> str:
    return f"{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}-{name}"


def _run_all(
    scenario_path: Path,
    only: list[str],
    workers: int,
    batch_dir: Path,
    lang: Lang,
    master: MasterSpec | None = None,
    scoring: Path | None = None,
) -> list[RunSummary]:
    scenario = load_scenario(scenario_path)
    vendor_paths = _vendor_paths(scenario_path, scenario, only)
    if scoring is not None:
        load_scoring(scoring)  # a broken scoring file fails before any load, not after
    summaries: list[RunSummary] = []
    run_dirs: list[Path] = []
    plan = scenario_plan(scenario)
    for vendor_path in vendor_paths:  # every vendor's secrets before the first one runs
        check_environment(scenario_path, scenario, load_vendor(vendor_path), vendor_path)
    for vendor_path in vendor_paths:
        vendor = load_vendor(vendor_path)
        title = vendor.title.zh_cn if lang == "zh-CN" else vendor.title.en
        run_id = f"{scenario.name}-{vendor.name}"
        planned = plan.planned
        say(msg("run.starting", lang, scenario=scenario.name, vendor=title, planned=planned,
                duration=format_duration_ms(scenario.load.total_duration * 1000)))  # fmt: skip
        for text in plan_lines(plan, lang, full=False):
            say(f"  {text}")
        with progress_bar(title, planned) as bar:
            reporter = _Reporter(bar, title, lang)
            outcome = run_vendor(
                scenario_path, scenario, vendor_path, out_dir=batch_dir, run_id=run_id,
                workers=workers, master=master, on_progress=reporter,
                on_stopping=lambda: warn(msg("run.stopping", lang)),
            )  # fmt: skip
        summaries.append(outcome.summary)
        run_dirs.append(outcome.run_dir)
        if outcome.recovered:
            warn(msg("run.recovered", lang))
        for line in outcome.summary.thresholds:
            mark = "✓" if line.ok else "✗"
            say(f"  {mark} {line.metric} '{line.source}'  {line.measured_text}")
        for note in outcome.summary.notes:
            if note.level == "warning":
                say(f"  ! {note.text(lang)}")
        generator = outcome.summary.generator
        if generator.machine_busy:  # the milder note; "generator saturated" is a warning above
            say(
                msg(
                    "run.machine_busy", lang,
                    others=f"{generator.others_cpu_percent:.0f}",
                    harness=f"{generator.harness_cpu_percent:.0f}",
                )
            )  # fmt: skip
        say(msg("run.report", lang, path=outcome.run_dir / "report.html"))
        if outcome.interrupted:
            break
    _print_table(summaries, lang)
    if summaries and outcome.interrupted:
        warn(msg("run.interrupted", lang))
        raise typer.Exit(130)
    scores = None
    if scoring is not None and summaries:
        scores = score_runs(scoring, run_dirs, batch_dir / SCORES)
        for run_dir, summary in zip(run_dirs, summaries, strict=True):
            html.write_run_report(summary, run_dir, lang)  # now with its scorecard
    if len(summaries) > 1 or scores is not None:
        comparison = Comparison.build(summaries, scores=scores)
        path = compare_html.write_comparison(comparison, batch_dir / "comparison.html", lang)
        say(msg("demo.findings", lang))
        for finding in comparison.findings:
            say(f"  - {finding.text(lang)}")
        say(msg("run.comparison", lang, path=path))
    say(f"{t('index.title', lang)}: {update_index(batch_dir.parent, lang)}")
    return summaries


def _vendor_paths(scenario_path: Path, scenario: Scenario, only: list[str]) -> list[Path]:
    vendor_paths = resolve_vendors(scenario, scenario_path)
    if only:
        by_name = {load_vendor(p).name: p for p in vendor_paths}
        unknown = [name for name in only if name not in by_name]
        if unknown:
            raise ConfigError(
                f"--vendor {', '.join(unknown)}: not in {scenario_path} "
                f"(it lists: {', '.join(by_name)})."
            )
        vendor_paths = [by_name[name] for name in only]
    return vendor_paths


def print_dry_run(
    scenario_path: Path, scenario: Scenario, vendor_paths: list[Path], count: int, lang: Lang
) -> None:
    """Every vendor's plan is built (and its target checked) before anything is printed."""
    from harness.orchestrate.dryrun import bounds_text, dry_run

    plans = [dry_run(scenario, scenario_path, path, count) for path in vendor_paths]
    shape = scenario_plan(scenario)
    for plan in plans:
        vendor = plan.vendor
        title = vendor.title.zh_cn if lang == "zh-CN" else vendor.title.en
        say(msg("dry.header", lang, scenario=scenario.name, vendor=f"{title} ({vendor.name})"))
        profile = vendor.sandbox.profile if vendor.sandbox else ""
        target = plan.target or msg("dry.embedded", lang, profile=profile)
        say("  " + msg("dry.target", lang, target=target))
        adapter = f"{vendor.adapter} ({', '.join(plan.operations) or '-'})"
        say("  " + msg("dry.adapter", lang, adapter=adapter, auth=plan.auth,
                       probe=plan.probe))  # fmt: skip
        say("  " + msg("dry.bounds", lang, **bounds_text(scenario)))
        for text in plan_lines(shape, lang, full=True):
            say(f"  {text}")
        for what, why in plan.credential_missing:
            say("  " + msg("dry.credential_missing", lang, what=what, why=why))
        say(msg("dry.requests", lang, count=count))
        for line in plan.curls:
            say_unwrapped(f"  {line}")


class _Reporter:
    """Feeds the progress bar; without a terminal, prints a line every 10 s instead, and
    one when the run ends."""

    def __init__(self, bar: object, title: str, lang: Lang) -> None:
        self._bar = bar
        self._title = title
        self._lang = lang
        self._last_line = 0.0

    def __call__(self, progress: Progress) -> None:
        self._bar.update(progress.created, self._title)  # type: ignore[attr-defined]
        due = progress.final or progress.elapsed_s - self._last_line >= 10
        if not sys.stdout.isatty() and due:
            self._last_line = progress.elapsed_s
            text = msg(
                "run.progress",
                self._lang,
                vendor=self._title,
                created=progress.created,
                planned=progress.planned,
                routed=progress.routed,
                errors=progress.errors,
            )
            say(text)


def _fmt_ms(value: float | None) -> str:
    return "-" if value is None else format_duration_ms(value)


def _fmt_rate(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.2f}%"


def _print_table(summaries: list[RunSummary], lang: Lang) -> None:
    headers = [msg(k, lang) for k in ("table.vendor", "table.verdict", "table.thresholds",
               "table.tickets", "table.create_p95", "table.routing_p95", "table.errors",
               "table.unrouted")]  # fmt: skip
    rows = []
    for s in summaries:
        created = s.metric("tickets_created")
        rows.append([
            s.vendor.title(lang),
            msg(f"run.verdict.{s.verdict}", lang),
            f"{s.thresholds_passed}/{len(s.thresholds)}",
            str(created.count if created else 0),
            _fmt_ms(s.stat("ticket_create", "p95_ms")),
            _fmt_ms(s.stat("routing_latency", "p95_ms")),
            _fmt_rate(s.stat("errors", "rate")),
            _fmt_rate(s.stat("unrouted", "rate")),
        ])  # fmt: skip
    table(headers, rows)
