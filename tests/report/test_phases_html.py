"""The report's phases table and drift verdict, in both languages."""

from __future__ import annotations

import dataclasses

from harness.report.html import render_run
from harness.results.model import Drift, Phase, PhaseResult
from tests.report import make_run


def _result(phase: Phase, created: int, p95: float | None) -> PhaseResult:
    span = phase.end_s - phase.start_s
    return PhaseResult(phase, created, created, created / span, created / span, p95, created, 1,
                       1 / created)  # fmt: skip


STEP = [
    _result(Phase("stage-1", "stage", 1, 0.0, 10.0, 2.0, 20), 20, 310.0),
    _result(Phase("stage-2", "stage", 2, 10.0, 20.0, 8.0, 80), 78, 1450.0),
]
SOAK = [
    _result(Phase(f"window-{n}", "window", n, 10.0 * (n - 1), 10.0 * n, 4.0, 40), 40, p95)
    for n, p95 in ((1, 300.0), (2, 380.0), (3, 600.0))
]


def test_step_report_shows_each_stage_offered_and_achieved() -> None:
    summary = dataclasses.replace(make_run(), phases=STEP)
    en = render_run(summary, "en")
    assert "Phases of the load" in en
    assert "Stage 1" in en and "Stage 2" in en
    assert "Offered /s" in en and "Created /s" in en and "Routed /s" in en
    assert "7.8" in en  # stage 2 achieved 78 in 10 s
    assert "0.31 s" in en and "1.45 s" in en  # p95s share one unit
    zh = render_run(summary, "zh-CN")
    assert "分阶段结果" in zh and "第 2 阶段" in zh and "创建 /秒" in zh


def test_spike_labels() -> None:
    phases = [
        _result(Phase(name, name, 1, a, b, rate, 10), 10, 200.0)  # type: ignore[arg-type]
        for name, a, b, rate in (("before", 0.0, 5.0, 2.0), ("during", 5.0, 8.0, 20.0),
                                 ("after", 8.0, 20.0, 2.0))
    ]  # fmt: skip
    summary = dataclasses.replace(make_run(), phases=phases)
    en = render_run(summary, "en")
    assert "Before the spike" in en and "During the spike" in en and "After the spike" in en
    assert "尖峰期间" in render_run(summary, "zh-CN")


def test_soak_drift_verdict_is_shown() -> None:
    drift = Drift(300.0, 600.0, 2.0, 1.5, True)
    summary = dataclasses.replace(make_run(), phases=SOAK, drift=drift)
    en = render_run(summary, "en")
    assert "Window 3" in en
    assert "above the 1.5× limit" in en and "2.0×" in en
    assert "出现漂移" in render_run(summary, "zh-CN")
    steady = dataclasses.replace(summary, drift=Drift(300.0, 330.0, 1.1, 1.5, False))
    assert "No drift" in render_run(steady, "en")


def test_no_phases_no_section() -> None:
    assert "Phases of the load" not in render_run(make_run(), "en")
