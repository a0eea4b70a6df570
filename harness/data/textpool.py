"""Ticket texts at the profile's lengths, from pools of pre-rendered template instances.

Rendering a template costs microseconds in Python; a million tickets cannot afford one each.
So each category renders a pool once (:data:`POOL` texts) and every ticket takes one by
length, vectorised:

- descriptions: the pool is rendered to lengths drawn from the profile (a body plus as many
  follow-up sentences as the length needs); each ticket draws its own target length from the
  profile and takes a pool text of the **nearest** length (random among equal lengths).
  Targets beyond what the templates reach are clipped to the longest/shortest pool text.
- subjects: the pool holds the subject templates and single body sentences (helpdesks often use
  the first message as the subject); a ticket takes a text of **exactly** its target length, or
  the next longer one **cut** to the target, as helpdesks truncate long subjects.

The pools are seeded from ``rng``, so the same generator state gives the same texts.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

import numpy as np

from harness.data.profile_model import TextLengths
from harness.data.templates import TemplateSet

__all__ = ["POOL", "texts"]

POOL: Final = 2048  # pre-rendered texts per category and column
_MAX_EXTRAS: Final = 60


def texts(
    spec: TextLengths,
    templates: TemplateSet,
    categories: Sequence[str],
    category: np.ndarray,
    rng: np.random.Generator,
    *,
    subject: bool,
) -> np.ndarray:
    """One text per ticket (``category`` holds codes into ``categories``); None = empty."""
    seed = int(rng.integers(2**63))
    out = np.empty(len(category), dtype=object)
    for code, name in enumerate(categories):
        rows = np.flatnonzero(category == code)
        if rows.size == 0:
            continue
        render = random.Random(f"{seed}-{name}")
        pool = (
            _subjects(templates, name, render)
            if subject
            else _bodies(templates, name, spec, render)
        )
        lengths = np.array([len(t) for t in pool])
        order = np.argsort(lengths, kind="stable")
        pool, lengths = pool[order], lengths[order]
        if spec.chars is None:  # the source had no such text: any template will do
            out[rows] = pool[rng.integers(len(pool), size=rows.size)]
            continue
        target = np.maximum(np.round(spec.chars.sample(rng, rows.size)), 1).astype(np.int64)
        if subject:
            out[rows] = _cut(pool, lengths, target, rng)
        else:
            out[rows] = pool[_nearest(lengths, target, rng)]
    if spec.chars is not None and spec.empty_share > 0:
        out[rng.random(len(out)) < spec.empty_share] = None
    return out


def _subjects(templates: TemplateSet, category: str, rng: random.Random) -> np.ndarray:
    subjects = [templates.render_subject(category, rng) for _ in range(POOL // 2)]
    bodies = templates.templates(category)[1]
    firsts = [templates.render(rng.choice(bodies), category, rng) for _ in range(POOL // 2)]
    return np.array(subjects + firsts, dtype=object)


def _bodies(
    templates: TemplateSet, category: str, spec: TextLengths, rng: random.Random
) -> np.ndarray:
    base = float(np.mean([len(templates.render_body(category, rng)) for _ in range(64)]))
    longer = float(np.mean([len(templates.render_body(category, rng, 1)) for _ in range(64)]))
    extra = max(longer - base, 1.0)
    if spec.chars is None:
        targets = np.full(POOL, base)
    else:
        targets = spec.chars.sample(np.random.default_rng(rng.getrandbits(64)), POOL)
    counts = np.clip(np.round((targets - base) / extra), 0, _MAX_EXTRAS).astype(int)
    return np.array([templates.render_body(category, rng, int(c)) for c in counts], dtype=object)


def _groups(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    values, first, count = np.unique(lengths, return_index=True, return_counts=True)
    return values, first, count


def _nearest(lengths: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index of a pool text whose length is nearest the target (random among equal lengths)."""
    values, first, count = _groups(lengths)
    right = np.clip(np.searchsorted(values, target), 0, len(values) - 1)
    left = np.clip(right - 1, 0, len(values) - 1)
    pick = np.where(np.abs(target - values[left]) <= np.abs(values[right] - target), left, right)
    index: np.ndarray = first[pick] + (rng.random(len(target)) * count[pick]).astype(np.int64)
    return index


def _cut(
    pool: np.ndarray, lengths: np.ndarray, target: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A text of exactly the target length, else the next longer one cut to it."""
    values, first, count = _groups(lengths)
    pick = np.clip(np.searchsorted(values, target), 0, len(values) - 1)
    chosen = pool[first[pick] + (rng.random(len(target)) * count[pick]).astype(np.int64)]
    long = np.flatnonzero(values[pick] > target)
    chosen[long] = [text[:size] for text, size in zip(chosen[long], target[long], strict=True)]
    result: np.ndarray = chosen
    return result
