"""``csm-harness breakpoint``: a thin call into :mod:`harness.orchestrate.breakpoints`."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from harness.analysis.breakpoint import Phase, SearchResult, SearchSpec, StepOutcome
from harness.cli.console import ProgressHandle, progress_bar, say, table
from harness.cli.messages import detect_lang, msg
from harness.cli.vendor_sets import SetOption, WebhookListenOption, use_vendor_sets
from harness.config import format_duration, format_rate, load_scenario, load_vendor
from harness.config.breakpoint import Breakpoint, format_percent
from harness.errors import ConfigError
from harness.i18n import Lang, fmt_duration_s, fmt_ms, fmt_number, fmt_pct, fmt_per_second
from harness.orchestrate.breakpoints import SearchObserver, require_breakpoint, run_breakpoint
from harness.orchestrate.runs import Progress
from harness.report.breakpoint_html import (
    generator_text,
    slo_title,
    write_breakpoint_json,
    write_breakpoint_report,
)
from harness.report.breakpoint_level import is_sessions, level_key, level_text
from harness.report.i18n import t


def breakpoint(
    scenario: Annotated[
        Path,
        typer.Argument(
            help="Scenario YAML with a breakpoint: block, e.g. scenarios/breakpoint.yaml."
        ),
    ],
    vendor: Annotated[
        str | None,
        typer.Option(
            "--vendor", help="Which of the scenario's vendors (needed if it lists several)."
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the results.")] = Path("reports"),
    lang: Annotated[
        str | None, typer.Option(help="en or zh-CN (default: from the locale).")
    ] = None,
    vendor_set: SetOption = None,
    webhook_listen: WebhookListenOption = None,
) -> None:
    # help: _HELP below (typer keeps docstring line breaks)
    language = detect_lang(lang)
    use_vendor_sets(vendor_set, webhook_listen)
    parsed = load_scenario(scenario)
    spec = require_breakpoint(parsed, scenario)
    vendor_path = _pick_vendor(scenario, parsed.vendor_paths(scenario), vendor, language)
    spec_vendor = load_vendor(vendor_path)
    title = spec_vendor.title.zh_cn if language == "zh-CN" else spec_vendor.title.en
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    search_dir = out / f"{stamp}-{parsed.name}-breakpoint-{spec_vendor.name}"
    steps = (
        msg("bp.steps_increment", language, increment=_level(spec, spec.increment, language))
        if spec.increment is not None
        else msg("bp.steps_factor", language, factor=fmt_number(spec.step_factor))
    )
    say(msg("bp.intro", language, scenario=parsed.name, vendor=title,
            start=_level(spec, spec.start, language), steps=steps,
            max_rate=_level(spec, spec.max_rate, language),
            max_time=format_duration(spec.max_time)))  # fmt: skip
    duration = spec.step_duration if isinstance(spec, Breakpoint) else 0.0
    with _Observer(language, duration, spec) as observer:
        result = run_breakpoint(
            scenario, parsed, vendor_path, search_dir=search_dir, observer=observer
        )
    json_path = write_breakpoint_json(result, search_dir)
    html_path = write_breakpoint_report(result, search_dir, language)
    _print_steps(result, language)
    say(msg("bp.json", language, path=json_path))
    say(msg("bp.report", language, path=html_path))
    say(msg("bp.elapsed", language, seconds=result.search_time_s))
    for line in _final_lines(result, language):
        say(line)


def _level(spec: SearchSpec, value: float, lang: Lang) -> str:
    if isinstance(spec, Breakpoint):
        return format_rate(float(value))  # as the scenario writes it
    return level_text(spec, value, lang) or ""


def _pick_vendor(scenario: Path, paths: list[Path], wanted: str | None, lang: Lang) -> Path:
    by_name = {load_vendor(p).name: p for p in paths}
    if wanted is None:
        if len(by_name) > 1:
            raise ConfigError(
                msg("bp.pick_vendor", lang, scenario=scenario, vendors=", ".join(by_name))
            )
        return paths[0]
    if wanted not in by_name:
        raise ConfigError(f"--vendor {wanted}: not in {scenario} (it lists: {', '.join(by_name)}).")
    return by_name[wanted]


class _Observer(SearchObserver):
    """One progress bar per step (a plain line without a terminal), then the step's verdict."""

    def __init__(self, lang: Lang, step_duration: float, spec: SearchSpec) -> None:
        self._lang = lang
        self._duration = step_duration  # 0: a sessions step plans its sessions, not a rate
        self._spec = spec
        self._stack = ExitStack()
        self._bar: ProgressHandle | None = None
        self._label = ""

    def __enter__(self) -> _Observer:
        return self

    def __exit__(self, *_: object) -> None:
        self._stack.close()

    def step_started(self, index: int, phase: Phase, rate: float) -> None:
        lang = self._lang
        key = "bps.step_start" if is_sessions(self._spec) else "bp.step_start"
        self._label = msg(key, lang, index=index, phase=t(f"bp.phase.{phase}", lang),
                          rate=level_text(self._spec, rate, lang))  # fmt: skip
        say(self._label)
        planned = max(1, round(rate * self._duration if self._duration else rate))
        self._bar = self._stack.enter_context(progress_bar(self._label, planned))

    def step_progress(self, progress: Progress) -> None:
        if self._bar is not None:
            self._bar.update(progress.created, self._label)

    def step_finished(self, step: StepOutcome) -> None:
        self._stack.close()
        self._stack = ExitStack()
        self._bar = None
        lang = self._lang
        m = step.measure
        verdict = t("bp.verdict.good" if step.ok else "bp.verdict.bad", lang)
        if not step.complete:
            verdict = t("bp.verdict.cut", lang)
        key = "bps.step_done" if is_sessions(self._spec) else "bp.step_done"
        say(msg(key, lang, index=step.index, rate=level_text(self._spec, step.rate, lang),
                routed=fmt_per_second(m.throughput_per_s, lang),
                offered=fmt_per_second(m.offered_per_s, lang),
                ratio=fmt_pct(m.throughput_ratio, 1), concurrency=fmt_number(m.concurrency),
                p95=fmt_ms(step.p95_ms, lang), processes=step.processes,
                verdict=verdict))  # fmt: skip
        for v in step.broken:
            say(f"  ✗ {slo_title(v, lang)} '{v.source}'  {v.measured_text}")
        if not step.reliable:
            say(msg("bp.step_unreliable", lang, index=step.index))

    def cooling_down(self, seconds: float) -> None:
        say(msg("bp.cooling", self._lang, seconds=seconds))


def _print_steps(result: SearchResult, lang: Lang) -> None:
    spec = result.spec
    headers = [t(level_key(spec, k), lang) for k in ("bp.col.step", "bp.col.phase",
               "bp.col.rate", "bp.col.routed", "bp.col.ratio", "bp.col.concurrency",
               "bp.col.p95", "bp.col.errors", "bp.col.verdict", "bp.col.generator")]  # fmt: skip
    rows = []
    for s in result.steps:
        verdict = "bp.verdict.cut" if not s.complete else (
            "bp.verdict.good" if s.ok else "bp.verdict.bad"
        )  # fmt: skip
        rows.append([
            str(s.index), t(f"bp.phase.{s.phase}", lang), level_text(spec, s.rate, lang) or "",
            fmt_per_second(s.measure.throughput_per_s, lang),
            fmt_pct(s.measure.throughput_ratio, 1), fmt_number(s.measure.concurrency),
            fmt_ms(s.p95_ms, lang), fmt_pct(s.error_rate), t(verdict, lang),
            generator_text(s, lang),
        ])  # fmt: skip
    table(headers, rows)


def _final_lines(result: SearchResult, lang: Lang) -> list[str]:
    """Why the search stopped, then one short line with the breakpoint (last, for scripts),
    which says how many steps were unreliable when any was."""
    lines = _verdict_lines(result, lang)
    unreliable = result.unreliable_steps
    if unreliable:
        lines[-1] = msg("bp.result_unreliable", lang, line=lines[-1], count=len(unreliable),
                        total=len(result.steps))  # fmt: skip
    return lines


def _verdict_lines(result: SearchResult, lang: Lang) -> list[str]:
    spec = result.spec
    reason = t(level_key(spec, f"bp.stop.{result.stop_reason}"), lang,
               resolution=format_percent(spec.resolution),
               rate=level_text(spec, spec.max_rate, lang),
               time=fmt_duration_s(spec.max_time, lang))  # fmt: skip
    rate = result.breakpoint_rate
    bad = result.first_bad
    if rate is None:
        return [reason, msg("bp.result_none", lang)]
    if bad is None:
        return [reason, msg("bp.result_open", lang, rate=level_text(spec, rate, lang))]
    broken = "; ".join(f"{slo_title(v, lang)} {v.measured_text}" for v in result.broken)
    return [reason, msg("bp.result", lang, rate=level_text(spec, rate, lang),
                        bad=level_text(spec, bad.rate, lang), broken=broken)]  # fmt: skip


_HELP = "\n\n".join(
    [
        "Find the highest arrival rate one vendor sustains within the scenario's SLOs.",
        "Runs short arrival-rate steps (breakpoint.start, then x factor or + increment), judges "
        "each against breakpoint.slos and the throughput criterion (routed/s at least "
        "min_throughput of offered/s), stops at the first violation, then bisects between the "
        "last good and the first bad rate until they are within breakpoint.resolution. No step "
        "runs above breakpoint.max_rate and none starts that could end after "
        "breakpoint.max_time. Fits the Universal Scalability Law to throughput against "
        "concurrency.",
        "Writes OUT/<time>-<scenario>-breakpoint-<vendor>/: breakpoint.json, breakpoint.html "
        "(USL curve, steps, verdict) and steps/, one run folder per step. A target outside "
        "allow_hosts is refused before any request.",
        "断点搜索：以短时固定到达率逐步加压，每步按 breakpoint.slos 与吞吐量判定；"
        "首次不达标即停止加压，并在最后达标与首个不达标的到达率之间二分，直到相差不超过 "
        "breakpoint.resolution。不会超过 max_rate，也不会超出 max_time。"
        "对吞吐量与并发拟合通用可扩展性定律（USL），输出 breakpoint.json 与 breakpoint.html。",
    ]
)
breakpoint.__doc__ = _HELP
