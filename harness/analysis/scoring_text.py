"""Every string scoring shows, in en and zh-CN: explanations, curve descriptions, table headers.

Kept apart from :mod:`harness.report.i18n` so the scoring and export code can grow its wording
without touching the report pages' catalog; the number formats come from there.
"""

from __future__ import annotations

from harness.i18n import DASH, Lang, fmt_ms, fmt_number, fmt_pct

__all__ = ["SCORING_TEXT", "fmt_value", "st"]


def _m(en: str, zh: str) -> dict[Lang, str]:
    return {"en": en, "zh-CN": zh}


SCORING_TEXT: dict[str, dict[Lang, str]] = {
    "dimension.capability": _m("Capability", "能力"),
    "dimension.service": _m("Service", "服务"),
    "dimension.price": _m("Price", "价格"),
    "curve.linear": _m(
        "linear: 100 at {target}, 0 at {limit}",
        "线性：{target} 得 100 分，{limit} 得 0 分",
    ),
    "curve.step": _m("steps: {steps}, otherwise 0", "阶梯：{steps}，否则 0 分"),
    "curve.relative.lower": _m(
        "relative: 100 × lowest / value (lowest {best})",
        "相对：100 × 最低值 / 本值（最低 {best}）",
    ),
    "curve.relative.higher": _m(
        "relative: 100 × value / highest (highest {best})",
        "相对：100 × 本值 / 最高值（最高 {best}）",
    ),
    "line.scored": _m(
        "{measure} = {value}; {curve} → {points} points × {weight}% = {contribution}",
        "{measure} = {value}；{curve} → {points} 分 × {weight}% = {contribution}",
    ),
    "line.not_measured": _m(
        "not measured ({reason}) → 0 points × {weight}% = 0",
        "未测得（{reason}）→ 0 分 × {weight}% = 0",
    ),
    "line.source": _m("; source: {source}", "；来源：{source}"),
    "veto.pass": _m(
        "{title}: {measure} = {value}, required {require}: met",
        "{title}：{measure} = {value}，要求 {require}：满足",
    ),
    "veto.fail": _m(
        "VETO {title}: {measure} = {value}, required {require}",
        "否决 {title}：{measure} = {value}，要求 {require}",
    ),
    "veto.missing_fail": _m(
        "VETO {title}: not measured ({reason}); a missing value counts as failing",
        "否决 {title}：未测得（{reason}）；缺失按不满足计",
    ),
    "veto.missing_pass": _m(
        "{title}: not measured ({reason}); a missing value is allowed here",
        "{title}：未测得（{reason}）；此项允许缺失",
    ),
    "card.ranked": _m(
        "#{rank} {vendor}: {total} points{missing}",
        "第 {rank} 名 {vendor}：{total} 分{missing}",
    ),
    "card.vetoed": _m(
        "#{rank} {vendor}: vetoed by {vetoes}; ranked after every vendor without a veto "
        "(weighted score {total})",
        "第 {rank} 名 {vendor}：触发否决项 {vetoes}；"
        "排在所有未被否决的厂商之后（加权得分 {total}）",
    ),
    "veto.brief": _m(
        "{veto} ({measure} = {value}, required {require})",
        "{veto}（{measure} = {value}，要求 {require}）",
    ),
    "veto.brief_missing": _m("{veto} (not measured)", "{veto}（未测得）"),
    "card.missing": _m(" ({n} criteria not measured, scored 0)", "（{n} 项未测得，按 0 分计）"),
    "reason.no_file": _m("no {file} in the run folder", "运行目录中没有 {file}"),
    "reason.no_manual": _m(
        "no manual value for {vendor} in the scoring file",
        "评分文件中没有 {vendor} 的人工录入值",
    ),
    "reason.no_tco": _m(
        "no tco for {vendor} in the scoring file", "评分文件中没有 {vendor} 的 tco"
    ),
    # table headers (CLI and exports)
    "col.rank": _m("Rank", "排名"),
    "col.vendor": _m("Vendor", "厂商"),
    "col.total": _m("Total", "总分"),
    "col.veto": _m("Veto", "否决"),
    "col.dimension": _m("Dimension", "维度"),
    "col.criterion": _m("Criterion", "评分项"),
    "col.measured": _m("Measured", "实测值"),
    "col.points": _m("Points", "得分"),
    "col.weight": _m("Weight %", "权重 %"),
    "col.contribution": _m("Contribution", "加权得分"),
    "col.explanation": _m("Explanation", "说明"),
    "col.source": _m("Source", "来源"),
    "none": _m("none", "无"),
    "export.written": _m("Wrote {path}", "已写入 {path}"),
    "scores.written": _m("Scores: {path}", "评分结果：{path}"),
    "scores.unused_manual": _m(
        "Note: manual inputs for {vendors} match no scored run.",
        "注意：{vendors} 的人工录入值没有对应的运行结果。",
    ),
}


def st(key: str, lang: Lang, **fmt: object) -> str:
    """The scoring string ``key`` in ``lang``, formatted with ``fmt``."""
    text = SCORING_TEXT[key][lang]
    return text.format(**fmt) if fmt else text


def fmt_value(value: float | None, unit: str | None, lang: Lang) -> str:
    """A measured value in its unit: ``12.4 s``, ``0.50%``, ``420,000 CNY``, ``0.5 h``."""
    if value is None:
        return DASH
    if unit == "ms":
        return fmt_ms(value, lang)
    if unit == "%":
        return fmt_pct(value)
    shown = f"{value:,.0f}" if abs(value) >= 10_000 else fmt_number(value)
    return f"{shown} {unit}" if unit else shown
