"""Comparisons across runs of one scenario: ranking and findings stated in both languages.

A finding never claims a difference that is not there: two latencies within the histograms'
stated relative error, or two values that print alike, are "about the same".
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Literal

from harness.errors import ConfigError
from harness.i18n import Lang, fmt_duration_s, fmt_ms, fmt_ms_pair, fmt_number, fmt_pct, fmt_ratio
from harness.report.changes import ChangeSet, change_sets
from harness.report.i18n import t
from harness.results.model import (
    ERRORS,
    ROUTING_LATENCY,
    UNROUTED,
    Record,
    RunSummary,
    ThresholdOutcome,
)

if TYPE_CHECKING:
    from harness.analysis.scorecard import ScoreReport


@dataclasses.dataclass(frozen=True, slots=True)
class Finding(Record):
    en: str
    zh: str

    def text(self, lang: Lang) -> str:
        return self.zh if lang == "zh-CN" else self.en


@dataclasses.dataclass(frozen=True, slots=True)
class Standing(Record):
    """A run's place in a scored ranking, with the reason in both languages."""

    run_id: str
    vendor: str
    rank: int
    total: float
    vetoed: bool
    vetoes: list[str]  # ids of the failed vetoes
    explanation_en: str
    explanation_zh: str

    def explanation(self, lang: Lang) -> str:
        return self.explanation_zh if lang == "zh-CN" else self.explanation_en


@dataclasses.dataclass(frozen=True, slots=True)
class Comparison(Record):
    """Runs of one scenario, best first, with findings and the changes between them.

    Without scores the order is verdict, then routing p95. With a scoring report (see
    :func:`harness.analysis.scoring.score`) the order is the scoring's: a vendor failing a veto
    ranks after every vendor failing none, whatever its weighted score, and ``standings`` says
    why for each run.
    """

    scenario: str
    created_at: str
    runs: list[RunSummary]
    findings: list[Finding]
    standings: list[Standing] = dataclasses.field(default_factory=list)
    scoring_model: str | None = None
    changes: list[ChangeSet] = dataclasses.field(default_factory=list)

    @classmethod
    def build(
        cls,
        runs: Sequence[RunSummary],
        *,
        created_at: str | None = None,
        scores: ScoreReport | None = None,
    ) -> Comparison:
        if not runs:
            raise ValueError("Comparison.build needs at least one run")
        scenarios = sorted({run.scenario for run in runs})
        if len(scenarios) > 1:
            raise ConfigError(
                f"cannot compare runs of different scenarios ({', '.join(scenarios)}); "
                "compare runs of one scenario at a time."
            )
        ranked = sorted(runs, key=_rank_key)
        standings: list[Standing] = []
        findings = _findings(ranked)
        if scores is not None:
            ranked, standings = _scored(ranked, scores)
            findings = [Finding(s.explanation_en, s.explanation_zh) for s in standings] + [
                f for f in _findings(ranked) if not f.en.startswith("Ranking (")
            ]
        now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        return cls(
            scenarios[0], created_at or now, ranked, findings, standings,
            scores.model if scores is not None else None, change_sets(ranked),
        )  # fmt: skip

    def standing(self, run: RunSummary) -> Standing | None:
        return next(
            (s for s in self.standings if (s.vendor, s.run_id) == (run.vendor.name, run.run_id)),
            None,
        )


def _scored(
    ranked: Sequence[RunSummary], scores: ScoreReport
) -> tuple[list[RunSummary], list[Standing]]:
    """The runs in the scoring's order (runs it did not score last), and their standings."""
    cards = {}
    used: set[int] = set()
    for run in sorted(ranked, key=lambda run: run.started_at, reverse=True):  # latest run
        card = next((c for c in scores.cards if c.vendor == run.vendor.name
                     and c.run_id in (None, run.run_id) and id(c) not in used), None)  # fmt: skip
        if card is not None:
            cards[id(run)] = card
            used.add(id(card))
    order = sorted(ranked, key=lambda run: cards[id(run)].rank if id(run) in cards else math.inf)
    standings = [
        Standing(run.run_id, run.vendor.name, card.rank, card.total, card.vetoed,
                 [v.veto for v in card.vetoes if not v.ok], card.explanation_en,
                 card.explanation_zh)
        for run in order if (card := cards.get(id(run))) is not None
    ]  # fmt: skip
    return order, standings


def _rank_key(run: RunSummary) -> tuple[bool, bool, float]:
    p95 = run.stat(ROUTING_LATENCY, "p95_ms")
    return (run.verdict != "pass", p95 is None, p95 or 0.0)


def _finding(key: str, **fmt: object) -> Finding:
    """``key`` rendered in both languages; a callable ``fmt`` value is called with the language."""

    def render(lang: Lang) -> str:
        values = {name: v(lang) if callable(v) else v for name, v in fmt.items()}
        return t(key, lang, **values)

    return Finding(en=render("en"), zh=render("zh-CN"))


def _findings(ranked: Sequence[RunSummary]) -> list[Finding]:
    found: list[Finding] = []
    if len(ranked) > 1:
        found.append(_finding("finding.ranking", items=partial(_ranking_items, ranked)))
    found += _differences(ranked, "latency", ROUTING_LATENCY, "p95_ms")
    found += _differences(ranked, "rate", ERRORS, "rate", "what.error_rate")
    found += _differences(ranked, "rate", UNROUTED, "rate", "what.unrouted_rate")
    for run in ranked:
        found += _run_findings(run)
    return found


def _ranking_items(ranked: Sequence[RunSummary], lang: Lang) -> str:
    items = (
        t("finding.rank_item", lang, rank=rank, vendor=run.vendor.title(lang),
          verdict=t(f"verdict.{run.verdict}", lang),
          p95=fmt_ms(run.stat(ROUTING_LATENCY, "p95_ms"), lang))
        for rank, run in enumerate(ranked, start=1)
    )  # fmt: skip
    return t("finding.list_sep", lang).join(items)


def _differences(
    runs: Sequence[RunSummary], kind: Literal["latency", "rate"], metric: str, field: str,
    what: str | None = None,
) -> list[Finding]:  # fmt: skip
    """Each run against the best one on ``metric.field``: how much worse, or about the same.

    Two latencies are "about the same" when they print alike or differ by less than the
    histograms' stated relative error; two rates when they print alike.
    """
    measured = [(run, run.stat(metric, field)) for run in runs]
    with_data = [(run, value) for run, value in measured if value is not None]
    if not with_data:
        return []
    best, best_value = min(with_data, key=lambda pair: pair[1])
    found = []
    for rank, (run, value) in enumerate(measured):
        if run is best:
            continue
        what_text = {"what": partial(t, what)} if what else {}
        if value is None:
            found.append(_finding(f"finding.{kind}_missing", a=run.vendor.title,
                                  b=best.vendor.title, **what_text))  # fmt: skip
            continue
        va, vb = partial(_show, kind, value, best_value), partial(_show, kind, best_value, value)
        same = va("en") == vb("en")
        if kind == "latency":
            err = max(
                run.generator.histogram_relative_error, best.generator.histogram_relative_error
            )
            same = same or value <= best_value * (1 + err) / max(1 - err, 1e-9)
        ratio = value / best_value if best_value > 0 else math.inf
        pct = fmt_number((ratio - 1) * 100, 2) if ratio < math.inf else ""
        key = f"finding.{kind}_{_wording(kind, ratio, same)}"
        a, b = (run, best) if not same or rank < runs.index(best) else (best, run)
        if a is best:  # "about the same" names the better-ranked run first
            va, vb = vb, va
        found.append(_finding(key, a=a.vendor.title, b=b.vendor.title, va=va, vb=vb,
                              ratio=fmt_ratio(ratio), pct=pct, **what_text))  # fmt: skip
    return found


def _show(kind: Literal["latency", "rate"], value: float, other: float, lang: Lang) -> str:
    """``value`` as shown beside ``other``: latencies share a unit, rates are percentages."""
    return fmt_ms_pair(value, other, lang)[0] if kind == "latency" else fmt_pct(value)


def _wording(kind: Literal["latency", "rate"], ratio: float, same: bool) -> str:
    if same:
        return "same"
    if 2 <= ratio < math.inf:
        return "times"
    if kind == "rate":
        return "higher"
    return "pct" if ratio < math.inf else "slower"


def _run_findings(run: RunSummary) -> list[Finding]:
    found = []
    failed = [outcome for outcome in run.thresholds if not outcome.ok]
    total = len(run.thresholds)
    if failed:
        items = partial(_threshold_items, run, failed)
        found.append(_finding("finding.thresholds_fail", a=run.vendor.title, failed=len(failed),
                              total=total, items=items))  # fmt: skip
    elif total:
        found.append(_finding("finding.thresholds_pass", a=run.vendor.title, total=total))
    if not run.complete:
        duration = partial(fmt_duration_s, run.duration_s)
        found.append(_finding("finding.incomplete", a=run.vendor.title, duration=duration))
    if run.generator.saturated_seconds:
        found.append(_finding("finding.saturated", a=run.vendor.title,
                              seconds=run.generator.saturated_seconds,
                              cpu=fmt_pct(run.generator.cpu_max_percent / 100, 0)))  # fmt: skip
    return found


def _threshold_items(run: RunSummary, failed: Sequence[ThresholdOutcome], lang: Lang) -> str:
    items = (
        t("finding.threshold_item", lang, metric=run.metric_title(o.metric, lang),
          source=o.source, measured=o.measured_text)
        for o in failed
    )  # fmt: skip
    return t("finding.list_sep", lang).join(items)
