"""The bracket estimate keeps every ticket inside its bracket and no mass beyond Turnbull's
support: with a sharp upper edge, nothing is placed above the smallest upper bound that lies
above the largest lower bound (the failure once seen: a p99 60 ms above every true latency)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.metrics.censored import impute_from_brackets
from tests.load.helpers import nearest_rank


def _geometric_brackets(truths: list[float], rng: random.Random) -> list[tuple[float, float]]:
    """Polls at 50 ms x jitter, gaps growing by 1.5 up to 500 ms: the probe's default."""
    brackets = []
    for truth in truths:
        before, gap = 0.0, 50.0 * rng.uniform(0.5, 1.5)
        at = gap
        while at < truth:
            before, gap = at, min(500.0, gap * 1.5)
            at += gap
        brackets.append((before, at))
    return brackets


def test_a_sharp_upper_edge_is_not_overshot() -> None:
    rng = random.Random(7)
    truths = [rng.uniform(200.0, 1000.0) for _ in range(300)]
    brackets = _geometric_brackets(truths, rng)
    values = impute_from_brackets(brackets)
    top_low = max(low for low, _ in brackets)
    support_top = min(high for _, high in brackets if high >= top_low)
    assert max(values) <= support_top + 5.0  # one bin
    assert nearest_rank(values, 99) <= max(truths) * 1.01


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 5000), st.floats(0, 2000)), min_size=1, max_size=60))
def test_each_value_lies_in_its_bracket(pairs: list[tuple[float, float]]) -> None:
    brackets = [(low, low + width) for low, width in pairs]
    values = impute_from_brackets(brackets)
    assert len(values) == len(brackets)
    for (low, high), value in zip(brackets, values, strict=True):
        assert low - 1e-6 <= value <= high + 1e-6
