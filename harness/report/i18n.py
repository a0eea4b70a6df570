# ruff: noqa: RUF001  (zh-CN full-width punctuation, the times sign and en dash are meant)
"""Every string a report shows, in en and zh-CN (the mechanism and number formats are in
:mod:`harness.i18n`).

Templates call ``t('key')``; Python code calls :func:`t` with the language. A missing key or a
missing language is a ``KeyError`` at render time, and ``tests/report/test_i18n.py`` checks the
catalog against the templates, so a page can never show a raw key.
"""

from __future__ import annotations

from harness.i18n import FORMAT_MESSAGES, Lang, Text, lookup, merge
from harness.i18n import text as _m
from harness.report.i18n_pages import PAGE_MESSAGES
from harness.report.i18n_sessions import SESSION_MESSAGES

_REPORT_MESSAGES: dict[str, Text] = {
    # page frame
    "report.title": _m(
        "{vendor} · {scenario} · load test report", "{vendor} · {scenario} · 压测报告"
    ),
    "compare.title": _m("Vendor comparison · {scenario}", "厂商对比 · {scenario}"),
    "lang.switch": _m("中文版", "English version"),
    "verdict.pass": _m("PASS", "通过"),
    "verdict.fail": _m("FAIL", "未通过"),
    # verdict banner
    "banner.vendor": _m("Vendor", "厂商"),
    "banner.scenario": _m("Scenario", "场景"),
    "banner.duration": _m("Duration", "时长"),
    "banner.planned": _m("Planned arrivals", "计划到达数"),
    "banner.thresholds": _m(
        "{passed} of {total} thresholds passed", "{total} 项阈值中通过 {passed} 项"
    ),
    "banner.unreliable": _m("Results unreliable: generator saturated.", "结果不可靠：压测机饱和。"),
    "banner.unreliable_why": _m(
        "The load generator's CPU (a load process or the whole machine) was at 90 % or more "
        "for over 10 % of the run, so the latencies include its own queueing. See the notes.",
        "压测机 CPU（某个压测进程或整机）在超过 10% 的运行时间里不低于 90%，"
        "延迟中包含压测机自身排队。详见说明。",
    ),
    "banner.incomplete": _m(
        "This run was cut short: the figures cover only the part that ran.",
        "本次运行被提前中止：数据仅覆盖已运行的部分。",
    ),
    # sections
    "section.thresholds": _m("Thresholds", "阈值"),
    "section.notes": _m("Notes and warnings", "说明与警告"),
    "section.latency": _m("Latency over time", "延迟随时间变化"),
    "section.distribution": _m("Routing latency distribution", "路由延迟分布"),
    "section.throughput": _m("Throughput and errors over time", "吞吐量与错误随时间变化"),
    "section.metrics": _m("All metrics", "全部指标"),
    "section.run_info": _m("Run information", "运行信息"),
    "section.ranking": _m("Verdict and ranking", "结论与排名"),
    "section.findings": _m("Findings", "主要发现"),
    "section.side_by_side": _m("Side by side", "并排对比"),
    "section.routing_overlay": _m("Routing latency p95 over time", "路由延迟 p95 随时间变化"),
    "section.runs": _m("Run reports", "各厂商运行报告"),
    # tables
    "col.result": _m("Result", "结果"),
    "col.metric": _m("Metric", "指标"),
    "col.expression": _m("Threshold", "阈值表达式"),
    "col.measured": _m("Measured", "实测值"),
    "col.level": _m("Level", "级别"),
    "col.message": _m("Message", "内容"),
    "col.count": _m("Count", "次数"),
    "col.min": _m("Min", "最小值"),
    "col.mean": _m("Mean", "平均值"),
    "col.max": _m("Max", "最大值"),
    "col.p50": _m("p50", "p50"),
    "col.p90": _m("p90", "p90"),
    "col.p95": _m("p95", "p95"),
    "col.p99": _m("p99", "p99"),
    "col.hits": _m("Hits", "命中数"),
    "col.total": _m("Total", "总数"),
    "col.rate": _m("Rate", "比率"),
    "col.per_second": _m("Per second", "每秒"),
    "col.rank": _m("Rank", "名次"),
    "col.vendor": _m("Vendor", "厂商"),
    "col.verdict": _m("Verdict", "结论"),
    "col.routing_p95": _m("Routing p95", "路由延迟 p95"),
    "col.thresholds": _m("Thresholds passed", "通过的阈值"),
    "col.report": _m("Report", "报告"),
    # phases of the load (harness.analysis.phases)
    "section.phases": _m("Phases of the load", "分阶段结果"),
    "phases.intro": _m(
        "Each phase of the {kind} shape: what it offered against what the vendor achieved. "
        "Tickets count in the second they were created or routed; the last phase keeps the "
        "drain after the schedule.",
        "{kind} 负载的每个阶段：计划压力与厂商实际达到的对比。工单按创建或分配完成的那一秒"
        "计入；最后一个阶段包含计划结束后的收尾时间。",
    ),
    "phase.stage": _m("Stage {n}", "第 {n} 阶段"),
    "phase.before": _m("Before the spike", "尖峰前"),
    "phase.during": _m("During the spike", "尖峰期间"),
    "phase.after": _m("After the spike", "尖峰后"),
    "phase.window": _m("Window {n}", "第 {n} 段"),
    "col.phase": _m("Phase", "阶段"),
    "col.span": _m("Time", "时间"),
    "col.offered": _m("Offered /s", "计划 /秒"),
    "col.planned": _m("Planned", "计划数"),
    "col.created_per_s": _m("Created /s", "创建 /秒"),
    "col.routed_per_s": _m("Routed /s", "分配 /秒"),
    "col.errors": _m("Errors", "错误数"),
    "col.error_rate": _m("Error rate", "错误率"),
    "drift.title": _m("Drift", "漂移"),
    "drift.ok": _m(
        "No drift: routing p95 in the last window is {ratio}× the first ({last} vs {first}); "
        "the limit is {limit}×.",
        "无漂移：最后一段的路由延迟 p95 是第一段的 {ratio} 倍（{last} 对 {first}），上限为 "
        "{limit} 倍。",
    ),
    "drift.flagged": _m(
        "Drift: routing p95 in the last window is {ratio}× the first ({last} vs {first}), "
        "above the {limit}× limit: the vendor slows down as the run goes on.",
        "出现漂移：最后一段的路由延迟 p95 是第一段的 {ratio} 倍（{last} 对 {first}），超过 "
        "{limit} 倍上限：厂商随运行时间变慢。",
    ),
    "drift.unknown": _m(
        "Drift unknown: the first or the last window routed no ticket.",
        "无法判断漂移：第一段或最后一段没有工单被分配。",
    ),
    "metrics.trends": _m("Latencies", "延迟类指标"),
    "metrics.rates": _m("Rates", "比率类指标"),
    "metrics.counters": _m("Counters", "计数类指标"),
    "thresholds.none": _m("No thresholds were set for this run.", "本次运行未设置阈值。"),
    "notes.none": _m("No warnings.", "无警告。"),
    "note.info": _m("Info", "信息"),
    "note.warning": _m("Warning", "警告"),
    "mark.ok": _m("✓ pass", "✓ 通过"),
    "mark.fail": _m("✗ fail", "✗ 未通过"),
    # charts
    "chart.no_data": _m("No data", "无数据"),
    "chart.time": _m("Time since start", "开始后时间"),
    "chart.latency": _m("Latency", "延迟"),
    "chart.tickets": _m("Tickets", "工单数"),
    "chart.per_second": _m("Per second", "每秒数量"),
    "chart.ticket_create": _m("Ticket creation latency over time", "创建工单延迟随时间变化"),
    "chart.routing": _m(
        "Routing latency (created → assigned) over time", "路由延迟（创建 → 分配）随时间变化"
    ),
    "chart.distribution": _m("Routing latency distribution", "路由延迟分布"),
    "chart.throughput": _m("Throughput per second", "每秒吞吐量"),
    "chart.errors": _m("Errors per second", "每秒错误数"),
    "chart.routing_overlay": _m("Routing latency p95 by vendor", "各厂商路由延迟 p95"),
    "series.requests": _m("Requests", "请求"),
    "series.tickets_created": _m("Tickets created", "创建的工单"),
    "series.tickets_routed": _m("Tickets routed", "已路由的工单"),
    "series.errors": _m("Errors", "错误"),
    "series.throttled": _m("Throttled (429)", "被限流 (429)"),
    # run information
    "info.run_id": _m("Run ID", "运行 ID"),
    "info.adapter": _m("Adapter", "适配器"),
    "info.base_url": _m("Base URL", "接口地址"),
    "info.started": _m("Started (UTC)", "开始时间 (UTC)"),
    "info.ended": _m("Ended (UTC)", "结束时间 (UTC)"),
    "info.probe": _m("Routing probe", "路由探测方式"),
    "info.probe_timeout": _m("Probe timeout", "探测超时"),
    "info.load": _m("Load shape", "负载模型"),
    "info.load_value": _m(
        "{kind}: {rate}/s for {duration}, at most {users} users",
        "{kind}：每秒 {rate} 次，持续 {duration}，最多 {users} 个用户",
    ),
    "info.generator_cpu": _m("Load generator CPU max", "压测机 CPU 峰值"),
    "info.saturated": _m("Seconds with the generator saturated", "压测机饱和秒数"),
    "info.machine_cpu": _m("Whole-machine CPU max", "整机 CPU 峰值"),
    "info.machine_saturated": _m(
        "{seconds} of {total} s at 90 % or more", "{total} 秒中 {seconds} 秒不低于 90%"
    ),
    "info.reliable": _m("Generator health", "压测机状态"),
    "info.reliable_yes": _m("Not saturated: results reliable", "未饱和：结果可靠"),
    "info.late": _m("Late arrivals", "迟到的到达"),
    "info.throughput": _m("Throughput over the arrivals", "到达期间吞吐量"),
    "info.throughput_value": _m(
        "created {created}, routed {routed} over {window}; then a drain of {drain}: "
        "{created_drain} created, {routed_drain} routed",
        "{window} 内创建 {created}、分配 {routed}；其后排空 {drain}：创建 {created_drain} 个、"
        "分配 {routed_drain} 个",
    ),
    "info.machine_busy": _m(
        "Not saturated; machine busy: other processes used {others}, the harness {harness}",
        "未饱和；机器繁忙：其他进程占用 {others}，压测工具占用 {harness}",
    ),
    "info.late_value": _m("{count} (max lag {lag})", "{count} 个（最大延迟 {lag}）"),
    "info.workers": _m("Worker processes", "工作进程数"),
    "info.hist_error": _m("Histogram relative error", "直方图相对误差"),
    "probe.webhook": _m("Webhook (exact)", "Webhook（精确）"),
    "probe.polling": _m(
        "Polling, gaps growing to {interval}: each assignment lies between the last poll that "
        "saw the ticket unassigned and the first that saw it assigned (estimate: the midpoint)",
        "轮询，间隔逐步增至 {interval}：每次分配发生在最后一次未分配与首次已分配的轮询之间"
        "（估计值取中点）",
    ),
    # comparison
    "compare.best_legend": _m(
        "Highlighted: the better value in each row. Rows whose values are the same have none.",
        "高亮为每行中更优的值；数值相同的行不高亮。",
    ),
    "findings.none": _m("No findings.", "无结论。"),
    "row.verdict": _m("Verdict", "结论"),
    "row.routing_p50": _m("Routing latency p50", "路由延迟 p50"),
    "row.routing_p95": _m("Routing latency p95", "路由延迟 p95"),
    "row.routing_p99": _m("Routing latency p99", "路由延迟 p99"),
    "row.create_p95": _m("Ticket creation p95", "创建工单 p95"),
    "row.error_rate": _m("Error rate", "错误率"),
    "row.unrouted_rate": _m("Unrouted rate", "未路由率"),
    "row.requests_per_s": _m("Mean requests per second", "平均每秒请求数"),
    "row.thresholds": _m("Thresholds passed", "通过的阈值"),
    "row.saturated": _m("Seconds with the generator saturated", "压测机饱和秒数"),
    # breakpoint search (harness/report/breakpoint_html.py)
    "bp.title": _m("{vendor} · {scenario} · breakpoint search", "{vendor} · {scenario} · 断点搜索"),
    "bp.found": _m("Breakpoint: {rate}", "断点：{rate}"),
    "bp.not_found": _m("No breakpoint found", "未找到断点"),
    "bp.at_least": _m("Breakpoint: at least {rate}", "断点：不低于 {rate}"),
    "bp.first_bad": _m("First bad rate", "首个不达标的到达率"),
    "bp.broken": _m("What broke", "失效的 SLO"),
    "bp.peak": _m("Peak measured throughput", "实测最高吞吐量"),
    "bp.search_time": _m("Search time", "搜索用时"),
    "bp.steps_run": _m("Steps run", "已运行步数"),
    "bp.ceilings": _m("Ceilings", "上限"),
    "bp.ceilings_value": _m("{rate} · {time}", "{rate} · {time}"),
    "bp.stop.resolved": _m(
        "Bisected until the first bad rate was within {resolution} of the last good one.",
        "已二分至首个不达标的到达率与最后达标的到达率相差不超过 {resolution}。",
    ),
    "bp.stop.max_rate": _m(
        "Every step met the SLOs up to the rate ceiling ({rate}): the breakpoint lies above it.",
        "直到到达率上限（{rate}）每一步都满足 SLO：断点高于该上限。",
    ),
    "bp.stop.max_time": _m(
        "Stopped at the time ceiling ({time}) before the search finished: the breakpoint is at "
        "least the last good rate.",
        "搜索未完成即达到时间上限（{time}）而停止：断点不低于最后达标的到达率。",
    ),
    "bp.stop.start_too_high": _m(
        "The first step already broke an SLO: lower breakpoint.start and search again.",
        "第一步就已不满足 SLO：请降低 breakpoint.start 后重新搜索。",
    ),
    "bp.stop.incomplete_step": _m(
        "A step was cut short by the scenario's bounds, so the search stopped there.",
        "有一步被场景的 bounds 截断，搜索在此停止。",
    ),
    "bp.stop.interrupted": _m(
        "The search was interrupted; these are the steps that ran.",
        "搜索被中断；以下为已运行的步骤。",
    ),
    "bp.section.usl": _m("Universal Scalability Law fit", "通用可扩展性定律（USL）拟合"),
    "bp.section.offered": _m("Throughput against offered load", "吞吐量与施加负载"),
    "bp.section.steps": _m("Steps", "各步结果"),
    "bp.section.method": _m("How it was measured", "测量方法"),
    "bp.chart.usl": _m("Throughput against concurrency (USL)", "吞吐量与并发（USL）"),
    "bp.chart.concurrency": _m(
        "Concurrency: tickets in the system (Little's law)", "并发：系统内工单数（利特尔法则）"
    ),
    "bp.chart.routed": _m("Routed per second", "每秒分配数"),
    "bp.chart.offered_title": _m("Routed against offered per second", "每秒分配数与每秒到达数"),
    "bp.chart.offered": _m("Offered per second", "每秒到达数"),
    "bp.series.fit": _m("USL fit", "USL 拟合曲线"),
    "bp.series.measured": _m("Measured steps", "实测各步"),
    "bp.series.ideal": _m("Routed = offered", "分配数 = 到达数"),
    "bp.marker.knee": _m("knee N*", "拐点 N*"),
    "bp.marker.breakpoint": _m("breakpoint", "断点"),
    "bp.usl.lambda": _m("λ: throughput at concurrency 1", "λ：并发为 1 时的吞吐量"),
    "bp.usl.sigma": _m("σ: contention", "σ：争用系数"),
    "bp.usl.kappa": _m("κ: coherency", "κ：一致性开销系数"),
    "bp.usl.r2": _m("R² of the fit", "拟合优度 R²"),
    "bp.usl.knee": _m("Knee N* = √((1 − σ) / κ)", "拐点 N* = √((1 − σ) / κ)"),
    "bp.usl.peak": _m("Peak throughput X(N*)", "峰值吞吐量 X(N*)"),
    "bp.usl.ceiling": _m("Ceiling λ / σ (κ ≈ 0: no knee)", "上限 λ / σ（κ ≈ 0：无拐点）"),
    "bp.usl.linear": _m(
        "No peak: throughput grows linearly over the measured range.",
        "无峰值：在实测范围内吞吐量线性增长。",
    ),
    "bp.usl.no_fit": _m(
        "Too few steps to fit the USL (three with different concurrency are needed).",
        "步数不足，无法拟合 USL（需要至少三个并发不同的步骤）。",
    ),
    "bp.col.step": _m("Step", "步"),
    "bp.col.phase": _m("Phase", "阶段"),
    "bp.col.rate": _m("Rate", "到达率"),
    "bp.col.offered": _m("Offered (measured)", "实测到达"),
    "bp.col.routed": _m("Routed", "分配"),
    "bp.col.ratio": _m("Routed / offered", "分配 / 到达"),
    "bp.col.concurrency": _m("Concurrency", "并发"),
    "bp.col.p95": _m("Routing p95", "路由延迟 p95"),
    "bp.col.errors": _m("Errors", "错误率"),
    "bp.col.verdict": _m("Verdict", "结论"),
    "bp.col.failed": _m("Failed SLOs", "未满足的 SLO"),
    "bp.col.report": _m("Report", "报告"),
    "bp.phase.ramp": _m("ramp", "递增"),
    "bp.phase.bisect": _m("bisect", "二分"),
    "bp.verdict.good": _m("✓ good", "✓ 达标"),
    "bp.verdict.bad": _m("✗ broke", "✗ 不达标"),
    "bp.verdict.cut": _m("cut short", "被截断"),
    "bp.col.generator": _m("Generator", "压测机"),
    "bp.gen.ok": _m("ok", "正常"),
    "bp.gen.saturated": _m("⚠ saturated", "⚠ 饱和"),
    "bp.gen.busy": _m("machine busy", "机器繁忙"),
    "bp.unreliable": _m(
        "{count} of {total} steps unreliable: generator saturated (step {steps}); their "
        "latencies and throughput include the harness's own queueing.",
        "{total} 步中有 {count} 步不可靠：压测机饱和（第 {steps} 步）；其延迟与吞吐量包含"
        "压测机自身排队。",
    ),
    "bp.slo.throughput": _m("Throughput keeps up", "吞吐量跟上负载"),
    "bp.method.steps": _m(
        "Each step is a run of the scenario at one arrival rate for {duration}, with its own "
        "report; the target drains (every ticket routed or timed out) before the next step.",
        "每一步以一个固定到达率运行场景 {duration}，并有独立报告；下一步开始前目标系统先排空"
        "（所有工单均已分配或超时）。",
    ),
    "bp.method.window": _m(
        "Throughput, offered rate and concurrency are measured by the harness from its own "
        "per-ticket records, over each step after the first {warm_up}.",
        "吞吐量、到达率和并发均由压测工具根据自身的逐单记录测得，"
        "测量窗口为每步开头 {warm_up} 之后。",
    ),
    "bp.method.throughput": _m(
        "A step is good when every SLO holds and tickets are routed at least {share} as fast as "
        "they arrive.",
        "当所有 SLO 均满足，且工单分配速度不低于到达速度的 {share} 时，该步达标。",
    ),
    "bp.method.concurrency": _m(
        "Concurrency is the mean number of tickets in the system (sent, not yet assigned); by "
        "Little's law it equals throughput × mean time in the system.",
        "并发为系统内工单的平均数量（已发送、尚未分配）；按利特尔法则等于吞吐量 × 平均停留时间。",
    ),
    # findings (Comparison.build renders each in both languages)
    "what.error_rate": _m("error rate", "错误率"),
    "what.unrouted_rate": _m("unrouted rate", "未路由率"),
    "finding.ranking": _m(
        "Ranking (verdict first, then routing p95): {items}",
        "排名（先看结论，再看路由延迟 p95）：{items}",
    ),
    "finding.rank_item": _m(
        "{rank}. {vendor} ({verdict}, p95 {p95})", "{rank}. {vendor}（{verdict}，p95 {p95}）"
    ),
    "finding.latency_times": _m(
        "{a} routes tickets {ratio}× slower than {b} at p95 ({va} vs {vb})",
        "{a} 的路由延迟 p95 是 {b} 的 {ratio} 倍（{va} 对 {vb}）",
    ),
    "finding.latency_pct": _m(
        "{a} routes tickets {pct}% slower than {b} at p95 ({va} vs {vb})",
        "{a} 的路由延迟 p95 比 {b} 高 {pct}%（{va} 对 {vb}）",
    ),
    "finding.latency_slower": _m(
        "{a} routes tickets slower than {b} at p95 ({va} vs {vb})",
        "{a} 的路由延迟 p95 高于 {b}（{va} 对 {vb}）",
    ),
    "finding.latency_same": _m(
        "{a} and {b} route tickets about the same at p95 ({va} vs {vb})",
        "{a} 与 {b} 的路由延迟 p95 大致相同（{va} 对 {vb}）",
    ),
    "finding.latency_missing": _m(
        "{a} has no routing latency measurements to compare with {b}",
        "{a} 没有路由延迟数据，无法与 {b} 比较",
    ),
    "finding.rate_times": _m(
        "{a} has a {ratio}× higher {what} than {b} ({va} vs {vb})",
        "{a} 的{what}是 {b} 的 {ratio} 倍（{va} 对 {vb}）",
    ),
    "finding.rate_higher": _m(
        "{a} has a higher {what} than {b} ({va} vs {vb})", "{a} 的{what}高于 {b}（{va} 对 {vb}）"
    ),
    "finding.rate_same": _m(
        "{a} and {b} have about the same {what} ({va} vs {vb})",
        "{a} 与 {b} 的{what}大致相同（{va} 对 {vb}）",
    ),
    "finding.rate_missing": _m(
        "{a} has no {what} measurements to compare with {b}", "{a} 没有{what}数据，无法与 {b} 比较"
    ),
    "finding.thresholds_fail": _m(
        "{a} fails {failed} of {total} thresholds: {items}",
        "{a} 未通过 {total} 项阈值中的 {failed} 项：{items}",
    ),
    "finding.thresholds_pass": _m(
        "{a} passes all {total} thresholds", "{a} 通过全部 {total} 项阈值"
    ),
    "finding.threshold_item": _m(
        "{metric} '{source}' ({measured})", "{metric}「{source}」（{measured}）"
    ),
    "finding.list_sep": _m("; ", "；"),
    "finding.incomplete": _m(
        "{a}'s run was cut short after {duration}; its figures cover only that part",
        "{a} 的运行在 {duration} 后被中止，数据仅覆盖这一段",
    ),
    "finding.saturated": _m(
        "{a}'s load generator was saturated for {seconds} s (CPU max {cpu}); "
        "its latencies may be overstated",
        "{a} 的压测机有 {seconds} 秒处于饱和状态（CPU 峰值 {cpu}），其延迟数据可能偏高",
    ),
}


MESSAGES: dict[str, Text] = merge(
    FORMAT_MESSAGES, _REPORT_MESSAGES, PAGE_MESSAGES, SESSION_MESSAGES
)


def t(key: str, lang: Lang, **fmt: object) -> str:
    """The report catalog string ``key`` in ``lang``, formatted with ``fmt``."""
    return lookup(MESSAGES, key, lang, **fmt)
