"""Scoring vendors: weighted criteria, vetoes and a ranking that explains itself, line by line.

Pure functions over a :class:`~harness.config.scoring.ScoringModel` and each vendor's inputs
(the parsed JSON files of its run folder; manual values and the "3+2" TCO come from the model):

- every criterion gives 0 to 100 *points* through its curve; its *weight* is its share of the
  total (dimension weight × criterion weight / 100, in %), and its *contribution* is
  ``points × weight / 100``; the total is the sum of contributions, 0 to 100;
- a value that cannot be found scores 0 and says "not measured" with the reason: a missing
  file or key never earns marks;
- a vendor failing any veto ranks after every vendor that fails none, whatever its total; within
  each group the higher total ranks first, and equal totals rank by vendor name.

Every line carries its explanation in en and zh-CN (:mod:`harness.analysis.scoring_text`).
The result model and scores.json are in :mod:`harness.analysis.scorecard`.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Final, Literal

from harness.analysis.scorecard import (
    DimensionScore,
    Scorecard,
    ScoreLine,
    ScoreReport,
    VendorInputs,
    VetoLine,
)
from harness.analysis.scoring_text import fmt_value, st
from harness.config.curves import Curve, Linear, Relative, Step, parse_requirement
from harness.config.lookup import Lookup, resolve
from harness.config.scoring import Criterion, ScoringModel, Veto
from harness.errors import ConfigError
from harness.i18n import LANGS, Lang, fmt_number

__all__ = ["curve_points", "score"]
_COMPARE: Final[dict[str, Callable[[float, float], bool]]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}


@dataclasses.dataclass(frozen=True, slots=True)
class _Measured:
    value: float | None
    reason: str  # why value is None, in en (zh follows by table where known)
    reason_zh: str
    source: str


# --- measuring -------------------------------------------------------------------------------


def _measure(model: ScoringModel, vendor: VendorInputs, measure: str) -> _Measured:
    lookup = model.lookup(measure)
    if lookup.source in ("manual", "tco"):
        return _computed(model, vendor, lookup)
    file = model.input_files[lookup.source]
    data = vendor.sources.get(lookup.source)
    if data is None:
        return _Measured(
            None, st("reason.no_file", "en", file=file), st("reason.no_file", "zh-CN", file=file),
            file,
        )  # fmt: skip
    value, reason = resolve(lookup, data)
    return _Measured(value, reason, reason, file)


def _computed(model: ScoringModel, vendor: VendorInputs, lookup: Lookup) -> _Measured:
    key = str(lookup.steps[0].key)
    manual = model.manual.get(vendor.name)
    if lookup.source == "tco":
        tco = manual.tco if manual is not None else None
        if tco is None:
            return _missing("reason.no_tco", vendor.name)
        return _Measured(tco.figures(model.tco_years)[key], "", "", tco.source)
    item = manual.values.get(key) if manual is not None else None
    if item is None:
        return _missing("reason.no_manual", vendor.name)
    return _Measured(item.number, "", "", item.source)


def _missing(key: str, vendor: str) -> _Measured:
    return _Measured(None, st(key, "en", vendor=vendor), st(key, "zh-CN", vendor=vendor), "")


def _unit(model: ScoringModel, declared: str | None, lookup: Lookup) -> str | None:
    if declared is not None:
        return declared
    last = lookup.steps[-1].key if lookup.steps else None
    if lookup.source == "tco":
        return model.currency
    if last is None:
        return None
    if last.endswith("_ms"):
        return "ms"
    if last == "rate" or last.endswith(("_accuracy", "pass_rate", "_ratio")) or last == "accuracy":
        return "%"
    return None


# --- curves ----------------------------------------------------------------------------------


def curve_points(curve: Curve, value: float, best: float | None = None) -> float:
    """0..100 points for ``value`` on ``curve``; ``best`` is the best vendor's value (relative)."""
    if isinstance(curve, Linear):
        fraction = (curve.limit - value) / (curve.limit - curve.target)
        return 100.0 * min(1.0, max(0.0, fraction))
    if isinstance(curve, Step):
        if curve.lower_is_better:
            reached = [s.points for s in curve.steps if value <= s.bound]
        else:
            reached = [s.points for s in curve.steps if value >= s.bound]
        return max(reached, default=0.0)
    assert best is not None, "a relative curve needs the best vendor's value"
    if value == best:
        return 100.0
    if curve.better == "lower":
        points = 100.0 * best / value if value > 0 else 0.0
    else:
        points = 100.0 * value / best if best > 0 else 0.0
    return min(100.0, max(0.0, points))


def _curve_text(curve: Curve, unit: str | None, best: float | None, lang: Lang) -> str:
    if isinstance(curve, Linear):
        better, worse = ("≤", "≥") if curve.target < curve.limit else ("≥", "≤")
        return st(
            "curve.linear", lang,
            target=f"{better} {fmt_value(curve.target, unit, lang)}",
            limit=f"{worse} {fmt_value(curve.limit, unit, lang)}",
        )  # fmt: skip
    if isinstance(curve, Step):
        mark = "≤" if curve.lower_is_better else "≥"
        separator = "，" if lang == "zh-CN" else ", "
        steps = separator.join(
            f"{mark} {fmt_value(s.bound, unit, lang)} → {fmt_number(s.points)}" for s in curve.steps
        )
        return st("curve.step", lang, steps=steps)
    return st(f"curve.relative.{curve.better}", lang, best=fmt_value(best, unit, lang))


def _best(curve: Relative, values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return min(known) if curve.better == "lower" else max(known)


# --- scoring ---------------------------------------------------------------------------------


def score(model: ScoringModel, vendors: Sequence[VendorInputs]) -> ScoreReport:
    """Score and rank ``vendors``; vendor names must be unique."""
    names = [vendor.name for vendor in vendors]
    if len(set(names)) != len(names):
        twice = sorted({name for name in names if names.count(name) > 1})
        raise ConfigError(f"vendor {', '.join(twice)} appears in more than one run; pass one each.")
    measured = {
        (vendor.name, criterion.id): _measure(model, vendor, criterion.measure)
        for vendor in vendors
        for dimension in model.dimensions.values()
        for criterion in dimension.criteria
    }
    bests: dict[str, float | None] = {}
    for dimension in model.dimensions.values():
        for criterion in dimension.criteria:
            if isinstance(criterion.curve, Relative):
                values = [measured[(v.name, criterion.id)].value for v in vendors]
                bests[criterion.id] = _best(criterion.curve, values)
    cards = [_card(model, vendor, measured, bests) for vendor in vendors]
    ranked = sorted(cards, key=lambda card: (card.vetoed, -card.total, card.vendor))
    final = [_ranked(card, rank) for rank, card in enumerate(ranked, start=1)]
    return ScoreReport(model=model.name, currency=model.currency, cards=final)


def _card(
    model: ScoringModel,
    vendor: VendorInputs,
    measured: Mapping[tuple[str, str], _Measured],
    bests: Mapping[str, float | None],
) -> Scorecard:
    lines: list[ScoreLine] = []
    dimensions: list[DimensionScore] = []
    for name, dimension in model.dimensions.items():
        dim_weight = model.weight_of(name)
        dim_lines = [
            _line(
                model, name, criterion, dim_weight * criterion.weight / 100,
                measured[(vendor.name, criterion.id)], bests.get(criterion.id),
            )
            for criterion in dimension.criteria
        ]  # fmt: skip
        lines += dim_lines
        title_en, title_zh = _dimension_titles(model, name)
        dimensions.append(
            DimensionScore(
                name, title_en, title_zh, dim_weight, sum(line.contribution for line in dim_lines)
            )
        )
    vetoes = [_veto(model, vendor, veto) for veto in model.vetoes]
    return Scorecard(
        vendor=vendor.name,
        title_en=vendor.title_en,
        title_zh=vendor.title_zh,
        run_id=vendor.run_id,
        rank=0,
        total=sum(line.contribution for line in lines),
        vetoed=not all(v.ok for v in vetoes),
        not_measured=sum(line.measured is None for line in lines),
        dimensions=dimensions,
        lines=lines,
        vetoes=vetoes,
        explanation_en="",
        explanation_zh="",
    )


def _dimension_titles(model: ScoringModel, name: str) -> tuple[str, str]:
    title = model.dimensions[name].title
    if title is not None:
        return title.en, title.zh_cn
    key = f"dimension.{name}"
    if key in ("dimension.capability", "dimension.service", "dimension.price"):
        return st(key, "en"), st(key, "zh-CN")
    return name, name


def _line(
    model: ScoringModel,
    dimension: str,
    criterion: Criterion,
    weight: float,
    found: _Measured,
    best: float | None,
) -> ScoreLine:
    lookup = model.lookup(criterion.measure)
    unit = _unit(model, criterion.unit, lookup)
    if found.value is None:
        points = 0.0
        reasons: dict[Lang, str] = {"en": found.reason, "zh-CN": found.reason_zh}
        texts = {
            lang: st("line.not_measured", lang, reason=reasons[lang], weight=fmt_number(weight))
            for lang in LANGS
        }
    else:
        points = curve_points(criterion.curve, found.value, best)
        texts = {
            lang: st(
                "line.scored", lang, measure=criterion.measure,
                value=fmt_value(found.value, unit, lang),
                curve=_curve_text(criterion.curve, unit, best, lang),
                points=_pts(points), weight=fmt_number(weight),
                contribution=_pts(points * weight / 100),
            )
            for lang in LANGS
        }  # fmt: skip
    if found.source and lookup.source in ("manual", "tco"):
        texts = {
            lang: text + st("line.source", lang, source=found.source)
            for lang, text in texts.items()
        }
    return ScoreLine(
        dimension=dimension,
        criterion=criterion.id,
        title_en=criterion.title.en,
        title_zh=criterion.title.zh_cn,
        measure=criterion.measure,
        unit=unit,
        measured=found.value,
        points=points,
        weight=weight,
        contribution=points * weight / 100,
        source=found.source,
        explanation_en=texts["en"],
        explanation_zh=texts["zh-CN"],
    )


def _veto(model: ScoringModel, vendor: VendorInputs, veto: Veto) -> VetoLine:
    found = _measure(model, vendor, veto.measure)
    op, wanted = parse_requirement(veto.require)
    unit = _unit(model, None, model.lookup(veto.measure))
    titles: dict[Lang, str] = {"en": veto.title.en, "zh-CN": veto.title.zh_cn}
    status: Literal["pass", "fail", "not_measured"]
    if found.value is None:
        status, ok = "not_measured", veto.when_missing == "pass"
        key = "veto.missing_pass" if ok else "veto.missing_fail"
        reasons: dict[Lang, str] = {"en": found.reason, "zh-CN": found.reason_zh}
        texts = {lang: st(key, lang, title=titles[lang], reason=reasons[lang]) for lang in LANGS}
    else:
        ok = _COMPARE[op](found.value, wanted)
        status = "pass" if ok else "fail"
        texts = {
            lang: st(
                "veto.pass" if ok else "veto.fail", lang, title=titles[lang],
                measure=veto.measure, value=fmt_value(found.value, unit, lang),
                require=veto.require,
            )
            for lang in LANGS
        }  # fmt: skip
    return VetoLine(
        veto=veto.id,
        title_en=veto.title.en,
        title_zh=veto.title.zh_cn,
        measure=veto.measure,
        require=veto.require,
        unit=unit,
        measured=found.value,
        status=status,
        ok=ok,
        explanation_en=texts["en"],
        explanation_zh=texts["zh-CN"],
    )


def _ranked(card: Scorecard, rank: int) -> Scorecard:
    texts: dict[Lang, str] = {}
    for lang in LANGS:
        vendor, total = card.title(lang), _pts(card.total)
        if card.vetoed:
            separator = "，" if lang == "zh-CN" else ", "
            vetoes = separator.join(_brief(v, lang) for v in card.vetoes if not v.ok)
            texts[lang] = st(
                "card.vetoed", lang, rank=rank, vendor=vendor, vetoes=vetoes, total=total
            )
        else:
            missing = st("card.missing", lang, n=card.not_measured) if card.not_measured else ""
            texts[lang] = st(
                "card.ranked", lang, rank=rank, vendor=vendor, total=total, missing=missing
            )
    return dataclasses.replace(
        card, rank=rank, explanation_en=texts["en"], explanation_zh=texts["zh-CN"]
    )


def _brief(veto: VetoLine, lang: Lang) -> str:
    if veto.measured is None:
        return st("veto.brief_missing", lang, veto=veto.veto)
    return st(
        "veto.brief", lang, veto=veto.veto, measure=veto.measure,
        value=fmt_value(veto.measured, veto.unit, lang), require=veto.require,
    )  # fmt: skip


def _pts(value: float) -> str:
    return f"{value:.1f}" if abs(value - round(value, 1)) < 1e-9 else f"{value:.2f}"
