"""decision.html: the POC's decision page (zh-CN and English twins), rendered from decision.json.

Self-contained like report.html: no script, no font, no remote request (the base template's
Content-Security-Policy is ``default-src 'none'``). Numbers are the decision's own, carried
in ``data-*`` attributes too, so a test can read them back and compare with the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from harness.i18n import Lang
from harness.report.page import render_page, write_pair

__all__ = ["DECISION_PAGE", "write_decision_pages"]

DECISION_PAGE: Final = "decision.html"

_TEXT: Final[Mapping[str, tuple[str, str]]] = {
    "title": ("POC decision: {plan}", "POC 选型结论：{plan}"),
    "intro": (
        "Plan {plan}, scored with {model}; written {generated}.",
        "计划 {plan}，评分模型 {model}；生成于 {generated}。",
    ),
    "incomplete": (
        "Incomplete: some stages did not finish; resume with csm-harness poc PLAN --resume DIR.",
        "未完成：部分阶段未结束；可用 csm-harness poc PLAN --resume DIR 续跑。",
    ),
    "ranking": ("Ranking", "排名"),
    "rank": ("Rank", "名次"),
    "vendor": ("Vendor", "厂商"),
    "total": ("Score", "总分"),
    "veto": ("Veto", "否决项"),
    "not_measured": ("not measured: not ranked", "未测得：不参与排名"),
    "none": ("none", "无"),
    "why": ("Why", "原因"),
    "veto_failed": ("Veto {veto} failed:", "否决项 {veto} 未通过："),
    "stages": ("Stages and evidence", "各阶段结论与证据"),
    "stage": ("Stage", "阶段"),
    "verdict.pass": ("pass", "通过"),
    "verdict.fail": ("fail", "未通过"),
    "verdict.found": ("breakpoint found", "已找到断点"),
    "verdict.none": ("no good step", "无达标步骤"),
    "verdict.not_run": ("not run", "未运行"),
    "verdict.incomplete": ("incomplete", "未完成"),
    "verdict.skipped": ("skipped by the plan", "计划跳过"),
    "checks_count": (
        "{passed} passed, {failed} failed, {skipped} skipped",
        "{passed} 通过，{failed} 未通过，{skipped} 跳过",
    ),
    "p95": ("routing p95", "路由 p95"),
    "lines": ("Score lines", "评分明细"),
    "criterion": ("Criterion", "指标"),
    "dimension": ("Dimension", "维度"),
    "measured": ("Measured", "实测值"),
    "points": ("Points", "得分"),
    "weight": ("Weight", "权重"),
    "contribution": ("Contribution", "贡献"),
    "source": ("Source", "来源"),
    "vetoes": ("Vetoes", "否决项"),
    "failed_checks": (
        "Failed checks ({stage}) with reproductions",
        "未通过的检查（{stage}）及复现命令",
    ),
    "no_failed": ("no failed check", "没有未通过的检查"),
    "tco": ("TCO (3+2)", "总拥有成本（3+2）"),
    "tco_total": ("Total", "合计"),
    "tco_explicit": ("Explicit (3 years)", "显性成本（3 年）"),
    "tco_hidden": ("Hidden (2 years)", "隐性成本（2 年）"),
    "manual": ("Manual inputs", "人工输入"),
    "noise": ("Noise rule", "噪声规则"),
    "files": ("The same numbers:", "相同数据："),
}


def text(key: str, lang: Lang, **fmt: object) -> str:
    en, zh = _TEXT[key]
    chosen = zh if lang == "zh-CN" else en
    return chosen.format(**fmt) if fmt else chosen


def render_decision(decision: Mapping[str, Any], lang: Lang, switch_href: str | None) -> str:
    def x(key: str, **fmt: object) -> str:
        return text(key, lang, **fmt)

    title = text("title", lang, plan=decision["plan"]["name"])
    return render_page("decision.html.j2", lang, switch_href, d=decision, x=x, title=title)


def write_decision_pages(decision: Mapping[str, Any], root: Path, lang: Lang = "zh-CN") -> Path:
    """``root/decision.html`` in ``lang`` and ``decision.<other>.html`` beside it."""
    return write_pair(
        root / DECISION_PAGE, lang, lambda lg, href: render_decision(decision, lg, href)
    )
