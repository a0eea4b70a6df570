# ruff: noqa: RUF001  (zh-CN full-width punctuation is meant)
"""Strings of the report sections added with issue 7: errors by kind, checks, scoring, the
breakpoint curve in a run report, the ranking with vetoes, changes between runs and the history
index. :mod:`harness.report.i18n` merges them into its catalog; keep keys unique across both.
"""

from __future__ import annotations

from harness.i18n import Text
from harness.i18n import text as _m

__all__ = ["PAGE_MESSAGES"]


PAGE_MESSAGES: dict[str, Text] = {
    # run report: banner with the scoring rank
    "banner.rank": _m(
        "Rank {rank} of {total} by {model}: {points} points",
        "{model} 评分排名第 {rank}／{total}：{points} 分",
    ),
    "banner.vetoed": _m("Vetoed", "触发否决项"),
    # errors by kind
    "section.errors": _m("Errors by kind", "错误分类"),
    "errors.kind": _m("Kind", "类别"),
    "errors.meaning": _m("What it means", "含义"),
    "errors.count": _m("Count", "次数"),
    "errors.of": _m("Out of", "总数"),
    "errors.rate": _m("Rate", "比率"),
    "errors.broken": _m("Broken", "失败"),
    "errors.broken.meaning": _m(
        "Requests that failed (5xx, timeouts, wrong answers); not throttled ones.",
        "失败的请求（5xx、超时、错误应答），不含被限流的请求。",
    ),
    "errors.throttled": _m("Throttled", "被限流"),
    "errors.throttled.meaning": _m(
        "Answers refused for rate or quota (429): the vendor enforcing its limits.",
        "因速率或配额被拒绝的应答（429）：厂商在执行其限制。",
    ),
    "errors.late": _m("Late arrivals", "迟到的到达"),
    "errors.late.meaning": _m(
        "Arrivals the load generator started after their intended time (max lag {lag}): "
        "the generator's shortfall, not the vendor's.",
        "压测机晚于计划时间发出的到达（最大滞后 {lag}）：属于压测机的不足，而非厂商。",
    ),
    "errors.unrouted": _m("Unrouted", "未分配"),
    "errors.unrouted.meaning": _m(
        "Tickets with no assignment seen within the probe timeout.",
        "在探测超时内未观察到分配的工单。",
    ),
    # breakpoint in the run report
    "section.breakpoint": _m("Breakpoint and USL fit", "断点与 USL 拟合"),
    "bp.found_label": _m("Breakpoint", "断点"),
    "bp.from_search": _m(
        "From this vendor's breakpoint search (breakpoint.json).",
        "来自该厂商的断点搜索（breakpoint.json）。",
    ),
    # acceptance checks
    "section.checks": _m("Acceptance checks", "验收检查"),
    "checks.summary": _m(
        "{passed} passed, {failed} failed, {other} other, of {total} checks.",
        "共 {total} 项检查：通过 {passed} 项，未通过 {failed} 项，其他 {other} 项。",
    ),
    "checks.col.id": _m("Check", "检查项"),
    "checks.col.severity": _m("Severity", "严重程度"),
    "checks.col.title": _m("Title", "名称"),
    "checks.col.outcome": _m("Outcome", "结果"),
    "checks.col.message": _m("What was seen", "实际情况"),
    "checks.reproduce": _m("Reproduce with:", "复现请求："),
    "checks.passed_list": _m("Passed", "已通过"),
    "checks.none_failed": _m("No check failed.", "没有未通过的检查。"),
    "checks.outcome.passed": _m("passed", "通过"),
    "checks.outcome.failed": _m("failed", "未通过"),
    "severity.veto": _m("veto", "否决"),
    "severity.major": _m("major", "主要"),
    "severity.minor": _m("minor", "次要"),
    # scoring breakdown
    "section.scoring": _m("Scoring breakdown", "评分明细"),
    "scoring.total": _m(
        "Weighted score: {points} of 100 ({model})", "加权得分：{points}／100（{model}）"
    ),
    "scoring.dimensions": _m("By dimension", "按维度"),
    "scoring.criteria": _m("By criterion", "按评分项"),
    "scoring.vetoes": _m("Vetoes", "否决项"),
    "scoring.col.dimension": _m("Dimension", "维度"),
    "scoring.col.weight": _m("Weight", "权重"),
    "scoring.col.score": _m("Score", "得分"),
    "scoring.col.criterion": _m("Criterion", "评分项"),
    "scoring.col.points": _m("Points", "分数"),
    "scoring.col.contribution": _m("Contribution", "加权得分"),
    "scoring.col.explanation": _m("Explanation", "说明"),
    # comparison: ranking with vetoes
    "rank.by_score": _m(
        "Ranked by the weighted score of {model}; a vendor failing any veto ranks after every "
        "vendor that fails none, whatever its score.",
        "按 {model} 的加权得分排名；触发任一否决项的厂商排在所有未触发否决项的厂商之后，"
        "无论得分多高。",
    ),
    "rank.by_verdict": _m(
        "Ranked by verdict, then routing latency p95 (no scoring file given).",
        "先按结论、再按路由延迟 p95 排名（未提供评分文件）。",
    ),
    "col.score": _m("Score", "得分"),
    "col.veto": _m("Veto", "否决"),
    "col.why": _m("Why this rank", "排名理由"),
    "veto.none": _m("none", "无"),
    # changes between runs
    "section.changes": _m("Changes between runs", "运行之间的变化"),
    "changes.rerun": _m(
        "{vendor}: run of {after} against the run of {before}",
        "{vendor}：{after} 的运行对比 {before} 的运行",
    ),
    "changes.vendor": _m("{after} against the leader {before}", "{after} 对比第一名 {before}"),
    "changes.summary": _m(
        "{regressions} regression(s), {improvements} improvement(s); the rest within noise.",
        "退步 {regressions} 项，改进 {improvements} 项；其余在噪声范围内。",
    ),
    "changes.col.before": _m("Before", "之前"),
    "changes.col.after": _m("After", "之后"),
    "changes.col.change": _m("Change", "变化"),
    "changes.col.assessment": _m("Assessment", "判断"),
    "changes.col.interval": _m("95% interval of the change", "变化的 95% 区间"),
    "assess.regression": _m("regression", "退步"),
    "assess.improvement": _m("improvement", "改进"),
    "assess.noise": _m("within noise", "在噪声范围内"),
    "assess.missing": _m("not comparable", "无法比较"),
    "unit.pp": _m("{value} pp", "{value} 个百分点"),
    "row.throttled_rate": _m("Throttled rate", "限流率"),
    "row.created_per_s": _m("Tickets created per second", "每秒创建工单数"),
    "changes.rule": _m(
        "Noise rule: latency percentiles differ only beyond the histograms' relative error and "
        "twice the standard error from each run's per-second spread (10-second batch means); "
        "rates by Newcombe's 95% interval for a difference of proportions; throughputs by a "
        "Poisson interval.",
        "噪声规则：延迟分位数的差异须超过直方图相对误差，并超过由各次运行逐秒波动（10 秒批均值法）"
        "估计的两倍标准误；比率按 Newcombe 两比例之差的 95% 区间判断；吞吐量按泊松区间判断。",
    ),
    # history index
    "index.title": _m("Run history", "运行历史"),
    "index.intro": _m(
        "Every run under this folder, newest first. Updated after each run.",
        "本目录下的全部运行，最新的在前。每次运行后更新。",
    ),
    "index.col.time": _m("Started (UTC)", "开始时间 (UTC)"),
    "index.col.run": _m("Run", "运行"),
    "index.col.scenario": _m("Scenario", "场景"),
    "index.col.links": _m("Links", "链接"),
    "index.link.report": _m("report", "报告"),
    "index.link.summary": _m("summary.json", "summary.json"),
    "index.link.comparison": _m("comparison", "对比"),
    "index.incomplete": _m("cut short", "被中止"),
    "index.none": _m("No runs yet.", "暂无运行记录。"),
}
