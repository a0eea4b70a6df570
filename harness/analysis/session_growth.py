"""The "message throughput still rising" criterion of a sessions step, judged only where a
window of this length can tell.

A step's message throughput is a count over a short window (a few hundred replies), so two
steps' rates differ by counting noise alone: for ``n`` and ``m`` replies the relative standard
error of their ratio is about ``sqrt(1/n + 1/m)`` (``m`` as it would be if replies scaled with
the sessions, so it is known before the step is looked at). Below capacity a closed-loop
conversation's replies grow in proportion to the sessions, so a healthy step a fraction ``w``
above a reference reads ``1 + w`` times its rate, and the criterion cuts at ``1 + g w``
(``g`` = ``min_growth``): the margin between the two, ``w (1 - g) / (1 + w)`` of the healthy
rate, is what noise must not cross. The reference is therefore the highest good step below
whose margin is at least :data:`Z` standard errors; with none such, growth is not judged for
this step (shown, ok) and the other criteria decide. (Asking only that the cut be ``Z`` errors
above zero growth let a doubling step be judged at 1.5 errors from its healthy rate: on a
quiet machine a 40-session step read +35 % for +100 % sessions and broke the search.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from harness.analysis.step_measure import StepMeasure

__all__ = ["GrowthJudgement", "Z", "judge_growth", "margin", "noise"]

Z = 3.0  # standard errors between a healthy step and the cut (0.13 % one-sided per judgement)

GrowthJudgement = tuple[bool, float | None, str]  # ok, measured ratio (None: not judged), text


def _count(measure: StepMeasure) -> float:
    return measure.throughput_per_s * math.floor(measure.window_s)


def noise(base: StepMeasure, scale: float, window_s: float) -> float:
    """Relative standard error of the ratio of reply rates between ``base`` and a step of
    ``scale`` times its sessions measured over ``window_s``, if the replies scaled with the
    sessions. Decided before looking at the step's own count, so a step whose replies
    collapsed cannot excuse itself by its small count (inf without data)."""
    n = _count(base)
    m = n * scale * math.floor(window_s) / max(1.0, math.floor(base.window_s))
    return math.sqrt(1.0 / n + 1.0 / m) if n > 0 and m > 0 else math.inf


def margin(min_growth: float, wanted: float) -> float:
    """How far below a healthy step's rate (growth ``wanted``, proportional) the criterion
    cuts, as a share of that rate."""
    return wanted * (1.0 - min_growth) / (1.0 + wanted)


def judge_growth(
    min_growth: float,
    sessions: float,
    measure: StepMeasure,
    references: Sequence[tuple[float, StepMeasure]],
) -> GrowthJudgement:
    """Growth of ``measure`` over the highest decisive step of ``references`` (good steps
    below: sessions, measure)."""
    below = sorted((r for r in references if r[0] < sessions), key=lambda r: -r[0])
    if measure.throughput_per_s <= 0:
        return False, None, f"{measure.throughput_per_s:.3g}/s: no replies measured"
    if not below:
        return True, None, f"{measure.throughput_per_s:.3g}/s (reference step)"
    for base_sessions, base in below:
        wanted = sessions / base_sessions - 1
        if base.throughput_per_s <= 0 or margin(min_growth, wanted) < Z * noise(
            base, sessions / base_sessions, measure.window_s
        ):
            continue
        grew = measure.throughput_per_s / base.throughput_per_s - 1
        ratio = grew / wanted
        text = (
            f"{grew * 100:+.1f}% for {wanted * 100:+.1f}% sessions since {base_sessions:.0f} "
            f"({base.throughput_per_s:.3g}/s -> {measure.throughput_per_s:.3g}/s)"
        )
        return ratio >= min_growth - 1e-9, ratio, text
    nearest, base = below[0]
    spread = Z * noise(base, sessions / nearest, measure.window_s) * 100
    gap = margin(min_growth, sessions / nearest - 1) * 100
    text = (
        f"not judged: +{(sessions / nearest - 1) * 100:.1f}% sessions leaves {gap:.0f}% between "
        f"a healthy rate and the cut, within the counting noise (±{spread:.0f}%) of every good "
        f"step below ({measure.throughput_per_s:.3g}/s)"
    )
    return True, None, text
