"""The generator-saturation judgement: machine or any load process, share of saturated seconds."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from harness.analysis.saturation import (
    GENERATOR_SATURATED,
    MAX_SATURATED_SHARE,
    CpuRecord,
    judge_saturation,
)
from harness.i18n import Lang
from harness.report.html import render_run
from tests.report import make_run


def _series(source: str, percents: Sequence[float]) -> CpuRecord:
    record = CpuRecord(source)
    for percent in percents:
        record = record.add(percent)
    return record


def test_a_record_counts_samples_at_or_above_90() -> None:
    record = _series("machine", [10, 89.9, 90, 100, 50])
    assert (record.samples, record.saturated, record.max_percent) == (5, 2, 100)
    assert record.share == pytest.approx(0.4)


def test_idle_generator_is_reliable() -> None:
    verdict = judge_saturation(_series("machine", [20] * 60), [_series("process 0", [30] * 60)])
    assert not verdict.unreliable
    assert verdict.reason is None


def test_machine_saturated_for_most_of_the_run_is_unreliable_even_with_calm_processes() -> None:
    """Locust's per-process warning misses this: 2 workers at ~45 % each, machine at 100 %."""
    machine = _series("machine", [100] * 50 + [40] * 10)
    workers = [_series(f"process {i}", [45] * 60) for i in range(2)]
    verdict = judge_saturation(machine, workers)
    assert verdict.unreliable
    assert verdict.reason == GENERATOR_SATURATED == "generator saturated"
    assert verdict.worst is machine


def test_one_saturated_process_is_enough() -> None:
    processes = [_series("process 0", [20] * 40), _series("process 1", [95] * 20 + [50] * 20)]
    verdict = judge_saturation(_series("machine", [60] * 40), processes)
    assert verdict.unreliable
    assert verdict.worst is processes[1]
    assert verdict.share == pytest.approx(0.5)


@pytest.mark.parametrize(("saturated", "unreliable"), [(10, False), (11, True)])
def test_the_limit_is_more_than_ten_percent_of_the_samples(
    saturated: int, unreliable: bool
) -> None:
    assert MAX_SATURATED_SHARE == 0.10
    process = _series("process 0", [99] * saturated + [10] * (100 - saturated))
    assert judge_saturation(None, [process]).unreliable is unreliable


def test_a_machine_full_of_other_processes_is_busy_not_saturated() -> None:
    """Issue 13: a CPU burner (or the vendor) fills 2 cores; the harness uses 20 % of one."""
    machine = _series("machine", [100] * 60)
    harness = [_series("process 0", [20] * 60)]
    verdict = judge_saturation(machine, harness, cpus=2)
    assert not verdict.unreliable
    assert verdict.machine_busy
    assert verdict.reason == "machine busy"
    assert verdict.harness_percent == pytest.approx(10.0)
    assert verdict.others_percent == pytest.approx(90.0)


def test_a_pinned_load_process_is_saturated_whatever_the_machine() -> None:
    machine = _series("machine", [100] * 60)
    pinned = [_series("process 0", [100] * 60)]
    verdict = judge_saturation(machine, pinned, cpus=2)
    assert verdict.unreliable
    assert not verdict.machine_busy
    assert verdict.worst is pinned[0]


def test_no_samples_judges_nothing() -> None:
    verdict = judge_saturation(None, [CpuRecord("process 0")])
    assert not verdict.unreliable
    assert verdict.worst is None


@pytest.mark.parametrize(
    ("lang", "banner"),
    [("en", "Results unreliable: generator saturated."), ("zh-CN", "结果不可靠：压测机饱和。")],
)
def test_report_shows_unreliable_results(lang: Lang, banner: str) -> None:
    run = make_run()
    assert banner not in render_run(run, lang)
    generator = dataclasses.replace(
        run.generator, reliable=False, unreliable_reason=GENERATOR_SATURATED, saturated_share=0.5
    )
    assert banner in render_run(dataclasses.replace(run, generator=generator), lang)
