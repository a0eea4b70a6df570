"""A run's results folder: ``run.json`` at the start, everything else when the run ends.

``reports/<run-id>/``
    ``run.json``        scenario, vendor, versions, environment (written before any load)
    ``metrics.ndjson``  merged per-second metric deltas, appended as they arrive
    ``records/``        per-ticket NDJSON per load process, flushed every second
    ``summary.json``    the :class:`~harness.report.model.RunSummary` every writer consumes
    ``tickets.parquet`` the per-ticket records gathered
    ``report.html``     the self-contained report (plus its other-language twin)
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import __version__
from harness.analysis.phases import phase_plan
from harness.analysis.summary import SummaryInputs, build_summary
from harness.config.plan_numbers import plan_numbers
from harness.config.probe_mode import probe_mode
from harness.data.schedule import scenario_offsets
from harness.metrics.records import to_parquet
from harness.report import html
from harness.report.model import RunSummary
from harness.report.writers import json as json_writer

if TYPE_CHECKING:
    from harness.config import Scenario
    from harness.config.vendor import VendorSpec
    from harness.load.collect import RunTotals
    from harness.load.plan import Target


@dataclass(frozen=True, slots=True)
class RunInfo:
    run_id: str
    scenario: str
    scenario_path: str
    vendor: dict[str, str]
    host: str
    workers: int
    start_at: float  # Unix seconds of the schedule's origin
    started_at: str
    probe: dict[str, Any]
    load: dict[str, Any]
    versions: dict[str, str]
    environment: dict[str, Any]

    @classmethod
    def create(
        cls, run_id: str, target: Target, host: str, workers: int, start_at: float
    ) -> RunInfo:
        scenario, vendor = target.scenario, target.vendor
        mode = probe_mode(scenario, vendor)
        return cls(
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

    @classmethod
    def read(cls, run_dir: Path) -> RunInfo:
        data = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        return cls(**data)


def write_run_info(run_dir: Path, info: RunInfo) -> Path:
    path = run_dir / "run.json"
    path.write_text(json.dumps(asdict(info), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


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


def write_outputs(run_dir: Path, summary: RunSummary, lang: str = "zh-CN") -> None:
    json_writer.write(summary, run_dir)
    to_parquet(run_dir)
    html.write_run_report(summary, run_dir, "en" if lang == "en" else "zh-CN")


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
