"""The load process's part of a run folder: the :class:`~harness.results.run_info.RunInfo` of a
run about to start, and the summary and outputs once it ends (layout in
:mod:`harness.results.run_info`)."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from harness import __version__
from harness.analysis.phases import phase_plan
from harness.analysis.summary import SummaryInputs, build_summary
from harness.config.plan_numbers import plan_numbers
from harness.config.probe_mode import probe_mode
from harness.data.schedule import scenario_offsets
from harness.report.outputs import write_outputs
from harness.results.model import RunSummary
from harness.results.run_info import RunInfo

if TYPE_CHECKING:
    from harness.config import Scenario
    from harness.config.vendor import VendorSpec
    from harness.load.collect import RunTotals
    from harness.load.plan import Target

__all__ = ["finalize_run", "new_run_info"]


def new_run_info(run_id: str, target: Target, host: str, workers: int, start_at: float) -> RunInfo:
    scenario, vendor = target.scenario, target.vendor
    mode = probe_mode(scenario, vendor)
    return RunInfo(
        run_id=run_id,
        scenario=scenario.name,
        scenario_path=str(target.scenario_path),
        vendor={
            "name": vendor.name,
            "title_en": vendor.title.en,
            "title_zh": vendor.title.zh_cn,
            "adapter": vendor.adapter,
            "base_url": host,
        },
        host=host,
        workers=workers,
        start_at=start_at,
        started_at=_iso(start_at),
        probe={
            "mode": mode,
            "poll_interval_s": scenario.probe.poll_interval if mode == "polling" else None,
            "timeout_s": scenario.probe.timeout,
            **_webhook_info(vendor, mode),
        },
        load=_load_info(scenario),
        versions={
            "csm-harness": __version__,
            "locust": version("locust"),
            "python": platform.python_version(),
        },
        environment={
            "platform": platform.platform(),
            "cpus": os.cpu_count() or 1,
            "executable": sys.executable,
        },
    )


def finalize_run(
    run_dir: Path,
    info: RunInfo,
    scenario: Scenario,
    totals: RunTotals,
    ended_at: float,
    cut_reason: str | None = None,
) -> RunSummary:
    """Build the summary from the merged totals and write every output of the run."""
    summary = build_summary(
        SummaryInputs(
            info=info,
            thresholds=scenario.parsed_thresholds(),
            store=totals.store,
            processes=list(totals.processes.values()),
            machine=totals.machine,
            ended_at=ended_at,
            cut_reason=cut_reason,
        )
    )
    write_outputs(run_dir, summary)
    return summary


def _webhook_info(vendor: VendorSpec, mode: str) -> dict[str, str]:
    """How webhooks reached the receiver, said plainly: registered or preconfigured, and
    whether deliveries were verified or taken unsigned."""
    if mode != "webhook":
        return {}
    hooks = vendor.webhooks
    return {"webhook_mode": hooks.mode, "webhook_signature": hooks.signature}


def _iso(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="seconds")


def _load_info(scenario: Scenario) -> dict[str, object]:
    """What the report says of the load: mean planned rate over the shape's whole length, and
    the named phases the report measures (stages, spike, soak windows)."""
    load = scenario.load
    offsets = scenario_offsets(scenario)
    planned = len(offsets)
    numbers = plan_numbers(load, scenario.conversation)
    rate = numbers.mean_rate_per_s
    if rate is None or load.open_model:
        rate = planned / load.total_duration
    return {
        "kind": load.kind,
        "planned_arrivals": planned,
        "rate_per_s": rate,
        "duration_s": load.total_duration,
        "max_users": load.max_users,
        "phases": [phase.to_dict() for phase in phase_plan(load, offsets)],
    }
