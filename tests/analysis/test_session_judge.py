"""Judging a sessions step: served concurrency, and message-throughput growth judged only where
a window of that length can tell it from counting noise."""

from __future__ import annotations

import math
import random
from typing import Any

from harness.analysis.breakpoint import StepOutcome, StepSearch
from harness.analysis.session_growth import judge_growth, noise
from harness.analysis.session_measure import CONCURRENCY, GROWTH, judge_sessions
from harness.analysis.step_measure import StepMeasure
from harness.config.breakpoint_sessions import SessionsBreakpoint


def _spec(**overrides: Any) -> SessionsBreakpoint:
    data: dict[str, Any] = {"start": 100, "max_sessions": 2000, "max_time": "6m"}
    return SessionsBreakpoint.model_validate(data | overrides)


def _measure(replies_per_s: float, served: float, window_s: float = 14.0) -> StepMeasure:
    return StepMeasure(window_s, 0, 0, replies_per_s, replies_per_s, served, None)


def test_a_small_bisection_step_is_not_judged_on_growth_against_its_neighbour() -> None:
    # 200 -> 218 sessions asks for +4.5 % replies; 14 s of ~85/s carry about ±8 % noise (2 SE)
    ok, ratio, text = judge_growth(0.5, 218, _measure(60.0, 218), [(200, _measure(85.6, 200))])
    assert ok and ratio is None
    assert text.startswith("not judged")


def test_growth_is_judged_against_the_highest_step_far_enough_below() -> None:
    references = [(100, _measure(43.5, 100)), (200, _measure(85.6, 200))]
    ok, ratio, text = judge_growth(0.5, 218, _measure(91.0, 218), references)
    assert ok and ratio is not None
    assert "since 100" in text
    ok, ratio, _ = judge_growth(0.5, 218, _measure(45.0, 218), references)  # flat since 100
    assert not ok and ratio is not None and ratio < 0.5


def test_a_step_whose_replies_collapsed_cannot_hide_behind_its_small_count() -> None:
    # decisiveness is decided from the reference's count, before the step's own is looked at
    ok, ratio, _ = judge_growth(0.5, 400, _measure(0.5, 300), [(200, _measure(24.0, 196))])
    assert not ok and ratio is not None


def test_a_doubling_step_is_not_judged_where_noise_reaches_a_healthy_rate() -> None:
    # a landing CI run: 20 -> 40 sessions over a 10 s window read 5.44/s -> 7.33/s (+35 %);
    # the cut (+50 %) lay 1.5 standard errors below the healthy +100 %, so it was no verdict
    ok, ratio, text = judge_growth(
        0.5, 40, _measure(7.33, 40, window_s=10.0), [(20, _measure(5.44, 20, window_s=10.0))]
    )
    assert ok and ratio is None and text.startswith("not judged"), text


def test_a_healthy_vendor_almost_never_fails_growth_on_counting_noise() -> None:
    # replies in proportion to sessions, Poisson counts: every judged step of many searches
    rng = random.Random(20261207)
    judged = failed = 0
    for _ in range(4000):
        per_session = rng.uniform(0.05, 0.5)
        steps = sorted(rng.sample(range(10, 600), 4))
        window = rng.choice([10.0, 14.0, 20.0])
        references: list[tuple[float, StepMeasure]] = []
        for sessions in steps:
            count = _poisson(rng, per_session * sessions * window)
            measure = _measure(count / window, sessions, window_s=window)
            ok, ratio, _ = judge_growth(0.5, sessions, measure, references)
            judged += ratio is not None
            failed += not ok
            references.append((sessions, measure))
    assert judged > 2000  # the rule still judges most far-apart steps
    assert failed / judged < 0.003, (failed, judged)


def test_a_stalled_vendor_fails_growth_on_a_doubling_step() -> None:
    ok, ratio, _ = judge_growth(0.5, 400, _measure(25.0, 400), [(200, _measure(24.0, 200))])
    assert not ok and ratio is not None and ratio < 0.1


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 50:  # normal approximation, ample for the counts of a window
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


def test_noise_shrinks_with_the_replies_counted() -> None:
    assert noise(_measure(10.0, 100), 2.0, 14.0) > noise(_measure(100.0, 100), 2.0, 14.0)
    assert noise(_measure(0.0, 100), 2.0, 14.0) == float("inf")


def test_no_replies_at_all_is_bad_and_the_first_step_is_its_own_reference() -> None:
    assert judge_growth(0.5, 100, _measure(0.0, 100), [])[0] is False
    ok, ratio, text = judge_growth(0.5, 100, _measure(12.0, 100), [])
    assert ok and ratio is None and "reference step" in text


def test_served_concurrency_below_the_share_breaks_the_step() -> None:
    spec = _spec()
    verdicts = {v.name: v for v in judge_sessions(spec, 400, [], _measure(40.0, 300.0), [])}
    assert not verdicts[CONCURRENCY].ok
    assert verdicts[CONCURRENCY].measured == 0.75
    assert verdicts[GROWTH].ok  # the first step: nothing to grow from
    held = {v.name: v for v in judge_sessions(spec, 300, [], _measure(40.0, 294.0), [])}
    assert held[CONCURRENCY].ok


def _search_table(capacity: int, spec: SessionsBreakpoint) -> StepSearch:
    """A vendor serving at most ``capacity`` sessions (a few % lost between sessions)."""
    search = StepSearch(spec)
    while (planned := search.next_step()) is not None:
        sessions, phase = planned
        served = min(sessions, capacity) * 0.98
        measure = _measure(served * 0.12, served)
        references = [(s.rate, s.measure) for s in search.steps if s.ok and s.rate < sessions]
        verdicts = judge_sessions(spec, sessions, [], measure, references)
        index = len(search.steps) + 1
        search.add(StepOutcome(index, phase, sessions, f"s{index}", measure, verdicts, True,
                               None, 0.0, 30.0))  # fmt: skip
    return search


def test_the_search_aims_at_the_served_sessions_and_finds_a_table_in_few_steps() -> None:
    for capacity in (300, 1234):
        search = _search_table(capacity, _spec(max_sessions=5000))
        good = search.last_good
        assert good is not None and search.stop_reason == "resolved"
        assert abs(good.rate / capacity - 1) <= 0.10
        assert len(search.steps) <= 7, [s.rate for s in search.steps]
