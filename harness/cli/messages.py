"""CLI strings in English and zh-CN. The language comes from --lang, else CSM_HARNESS_LANG,
else the locale (LANG/LC_ALL starting with zh gives zh-CN)."""

from __future__ import annotations

import os

from harness.cli.messages_safety import PROXY_MESSAGES, SAFETY_MESSAGES
from harness.i18n import Lang, Text, lookup, merge

_CLI_MESSAGES: dict[str, Text] = {
    "error": {"en": "Error: {message}", "zh-CN": "错误：{message}"},
    "sandbox.started": {
        "en": "Sandbox ({profile}) listening at {url}. Ctrl-C stops it.",
        "zh-CN": "沙箱（{profile}）已在 {url} 监听。按 Ctrl-C 停止。",
    },
    "run.starting": {
        "en": "Running {scenario} against {vendor}: {planned} tickets over {duration}",
        "zh-CN": "正在对 {vendor} 运行 {scenario}：{duration} 内 {planned} 个工单",
    },
    "run.progress": {
        "en": "{vendor}: created {created}/{planned}, routed {routed}, errors {errors}",
        "zh-CN": "{vendor}：已创建 {created}/{planned}，已分配 {routed}，错误 {errors}",
    },
    "run.machine_busy": {
        "en": "  · Machine busy: other processes used {others} % of the machine while the harness "
        "used {harness} % (the harness itself was not saturated).",
        "zh-CN": "  · 机器繁忙：其他进程占用整机 {others}%，压测工具占用 {harness}%"
        "（压测工具本身未饱和）。",
    },
    "worker.joining": {
        "en": "Joining the master at {master}:{port} with {processes} worker process(es).",
        "zh-CN": "正在以 {processes} 个工作进程加入 {master}:{port} 的主控节点。",
    },
    "run.master": {
        "en": "Master: waiting for {workers} worker(s) on port {port}; start each with "
        "'csm-harness worker --master <this host> --master-port {port}'.",
        "zh-CN": "主控节点：在端口 {port} 等待 {workers} 个 worker；在各机器上运行 "
        "'csm-harness worker --master <本机地址> --master-port {port}'。",
    },
    "run.report": {"en": "Report: {path}", "zh-CN": "报告：{path}"},
    # plan numbers: run --explain and the start of each run (harness/cli/plan_view.py)
    "plan.header": {
        "en": "scenario {name}: canonical form (shortcuts expanded, defaults filled in)",
        "zh-CN": "场景 {name}：规范形式（简写已展开，默认值已填入）",
    },
    "plan.load": {
        "en": "load: {kind}, {duration}, each arrival opens a {opens}",
        "zh-CN": "负载：{kind}，时长 {duration}，每个到达打开一个{opens}",
    },
    "plan.opens.tickets": {"en": "ticket", "zh-CN": "工单"},
    "plan.opens.sessions": {"en": "chat session", "zh-CN": "会话"},
    "plan.arrivals": {"en": "planned arrivals: {planned}", "zh-CN": "计划到达数：{planned}"},
    "plan.rate": {
        "en": "arrival rate: mean {mean}/s ({per_min}/min), peak {peak}/s",
        "zh-CN": "到达率：平均 {mean}/秒（{per_min}/分钟），峰值 {peak}/秒",
    },
    "plan.rate_schedule": {
        "en": "arrival rate: mean {mean}/s ({per_min}/min), peak {peak}/s "
        "(busiest {window} s of the schedule)",
        "zh-CN": "到达率：平均 {mean}/秒（{per_min}/分钟），"
        "峰值 {peak}/秒（回放计划中最忙的 {window} 秒）",
    },
    "plan.concurrency": {
        "en": "concurrency (Little's law): {peak} sessions at peak, {mean} on average "
        "= rate x {length} s expected session length",
        "zh-CN": "并发（利特尔法则）：峰值 {peak} 个会话，平均 {mean} 个"
        " = 到达率 × 预期会话时长 {length} 秒",
    },
    "plan.concurrency_tickets": {
        "en": "concurrency: rate x the vendor's time to route and handle a ticket "
        "(measured in the run)",
        "zh-CN": "并发：到达率 × 厂商路由和处理一个工单的耗时（运行中实测）",
    },
    "run.comparison": {"en": "Comparison: {path}", "zh-CN": "对比报告：{path}"},
    "run.verdict.pass": {"en": "PASS", "zh-CN": "通过"},
    "run.verdict.fail": {"en": "FAIL", "zh-CN": "未通过"},
    "table.vendor": {"en": "Vendor", "zh-CN": "厂商"},
    "table.verdict": {"en": "Verdict", "zh-CN": "结论"},
    "table.thresholds": {"en": "Thresholds", "zh-CN": "阈值"},
    "table.routing_p95": {"en": "Routing p95", "zh-CN": "路由 p95"},
    "table.create_p95": {"en": "Create p95", "zh-CN": "创建 p95"},
    "table.errors": {"en": "Errors", "zh-CN": "错误率"},
    "table.unrouted": {"en": "Unrouted", "zh-CN": "未分配率"},
    "table.tickets": {"en": "Tickets", "zh-CN": "工单数"},
    "demo.intro": {
        "en": "Demo POC: two embedded sandbox vendors (solid, saturating), scenario {scenario}.",
        "zh-CN": "演示 POC：两个内置沙箱厂商（稳健、易饱和），场景 {scenario}。",
    },
    "demo.findings": {"en": "Findings:", "zh-CN": "结论："},
    "demo.elapsed": {
        "en": "Demo finished in {seconds:.0f} s.",
        "zh-CN": "演示用时 {seconds:.0f} 秒。",
    },
    # breakpoint (harness/cli/breakpoint.py)
    "bp.intro": {
        "en": "Breakpoint search: {scenario} against {vendor}, from {start} {steps}, "
        "ceilings {max_rate} and {max_time}",
        "zh-CN": "断点搜索：对 {vendor} 运行 {scenario}，从 {start} 起 {steps}，"
        "上限 {max_rate}、{max_time}",
    },
    "bp.steps_factor": {"en": "x{factor} per step", "zh-CN": "每步 x{factor}"},
    "bp.steps_increment": {"en": "+{increment} per step", "zh-CN": "每步 +{increment}"},
    "bp.step_start": {
        "en": "Step {index} ({phase}) at {rate}",
        "zh-CN": "第 {index} 步（{phase}），到达率 {rate}",
    },
    "bp.step_done": {
        "en": "Step {index} at {rate}: routed {routed} of offered {offered} ({ratio}), "
        "concurrency {concurrency}, routing p95 {p95}: {verdict}",
        "zh-CN": "第 {index} 步 {rate}：分配 {routed}，到达 {offered}（{ratio}），"
        "并发 {concurrency}，路由 p95 {p95}：{verdict}",
    },
    "bps.step_start": {
        "en": "Step {index} ({phase}) at {rate}",
        "zh-CN": "第 {index} 步（{phase}），{rate}",
    },
    "bps.step_done": {
        "en": "Step {index} at {rate}: {concurrency} served, replies {routed} to messages "
        "{offered} ({ratio}), session routing p95 {p95}, {processes} process(es): {verdict}",
        "zh-CN": "第 {index} 步 {rate}：服务中 {concurrency} 个，回复 {routed}，消息 {offered}"
        "（{ratio}），会话分配 p95 {p95}，{processes} 个进程：{verdict}",
    },
    "bp.cooling": {"en": "Cooling down {seconds:g} s", "zh-CN": "冷却 {seconds:g} 秒"},
    "bp.result": {
        "en": "Breakpoint: {rate}, first bad {bad}: {broken}",
        "zh-CN": "断点：{rate}，首个不达标 {bad}：{broken}",
    },
    "bp.result_none": {"en": "Breakpoint: none found", "zh-CN": "断点：未找到"},
    "bp.result_unreliable": {
        "en": "{line} ({count} of {total} steps unreliable: generator saturated)",
        "zh-CN": "{line}（{total} 步中有 {count} 步不可靠：压测机饱和）",
    },
    "bp.step_unreliable": {
        "en": "  ! Step {index}: results unreliable: generator saturated.",
        "zh-CN": "  ! 第 {index} 步：结果不可靠：压测机饱和。",
    },
    "bp.result_open": {"en": "Breakpoint: at least {rate}", "zh-CN": "断点：不低于 {rate}"},
    "bp.report": {"en": "Report: {path}", "zh-CN": "报告：{path}"},
    "bp.json": {"en": "Results: {path}", "zh-CN": "结果：{path}"},
    "bp.elapsed": {"en": "Search time: {seconds:.0f} s", "zh-CN": "搜索用时：{seconds:.0f} 秒"},
    "bp.pick_vendor": {
        "en": "{scenario} lists several vendors ({vendors}); a breakpoint search measures one: "
        "pass --vendor NAME.",
        "zh-CN": "{scenario} 列出了多个厂商（{vendors}）；"
        "断点搜索一次只测一个：请使用 --vendor 指定。",
    },
    # accept (issue 5)
    "accept.starting": {
        "en": "Acceptance checks against {vendor}; results in {out}",
        "zh-CN": "正在对 {vendor} 运行验收检查；结果目录 {out}",
    },
    "accept.passed": {
        "en": "All acceptance checks passed. Results: {path}",
        "zh-CN": "全部验收检查通过。结果：{path}",
    },
    "accept.failed": {
        "en": "at least one acceptance check failed (see above and {path})",
        "zh-CN": "至少一项验收检查未通过（见上文及 {path}）",
    },
    "accept.vendor": {
        "en": "vendor {vendor} could not be reached or measured (see the message above)",
        "zh-CN": "无法连接或测量厂商 {vendor}（见上方信息）",
    },
    "accept.nothing": {
        "en": "no check matched --check {checks}",
        "zh-CN": "没有与 --check {checks} 匹配的检查项",
    },
    "accept.usage": {
        "en": "the acceptance run could not start (see the message above)",
        "zh-CN": "验收运行无法开始（见上方信息）",
    },
    "accept.crashed": {
        "en": "the acceptance run ended with pytest exit code {code}",
        "zh-CN": "验收运行异常结束，pytest 退出码 {code}",
    },
    # profile / generate (issue 3)
    "profile.written": {"en": "Profile: {path}", "zh-CN": "画像文件：{path}"},
    "generate.progress": {"en": "Generating: {phase}", "zh-CN": "正在生成：{phase}"},
    "generate.written": {"en": "Tickets: {path}", "zh-CN": "工单数据：{path}"},
    "generate.schedule": {"en": "Schedule: {path}", "zh-CN": "回放计划：{path}"},
    "generate.compress_note": {
        "en": "Compression shortens the gaps between arrivals, not the sessions: concurrency "
        "grows by the same factor (Little's law).",
        "zh-CN": "时间压缩只缩短到达间隔，不缩短会话本身：并发会话按同一倍数增长（利特尔法则）。",
    },
    "table.measure": {"en": "Measure", "zh-CN": "指标"},
    "table.value": {"en": "Value", "zh-CN": "数值"},
    "summary.rows": {"en": "Tickets", "zh-CN": "工单数"},
    "summary.period": {"en": "Period", "zh-CN": "时间范围"},
    "summary.per_day": {"en": "Tickets per day (mean ± sd)", "zh-CN": "日均工单（均值 ± 标准差）"},
    "summary.day_factor": {"en": "Day-to-day factor (Gamma)", "zh-CN": "日间波动（Gamma）"},
    "summary.busiest_hours": {"en": "Busiest hours", "zh-CN": "高峰时段"},
    "summary.channels": {"en": "Channels", "zh-CN": "渠道占比"},
    "summary.categories": {"en": "Categories", "zh-CN": "类别占比"},
    "summary.repeat": {"en": "Repeat customers", "zh-CN": "回头客占比"},
    "summary.multi_channel": {"en": "Customers on 2+ channels", "zh-CN": "跨渠道客户占比"},
    "summary.session": {"en": "Session length (mean)", "zh-CN": "会话时长（均值）"},
    "summary.routing": {"en": "Assignment time", "zh-CN": "分配耗时"},
    "summary.mean_rate": {"en": "Arrival rate (mean)", "zh-CN": "到达率（平均）"},
    "summary.peak_rate": {"en": "Arrival rate (busiest 15 min)", "zh-CN": "到达率（最忙15分钟）"},
    "summary.concurrency": {
        "en": "Concurrent sessions, mean / peak (Little's law)",
        "zh-CN": "并发会话 平均/峰值（利特尔法则）",
    },
    "summary.compression": {"en": "Time compression -> replay", "zh-CN": "时间压缩 -> 回放时长"},
    # anonymise / scan (harness/cli/data.py)
    "data.anonymised": {
        "en": "Anonymised {export} ({source}) with key id {key_id}",
        "zh-CN": "已去标识化 {export}（{source}），密钥 ID {key_id}",
    },
    "data.counts": {
        "en": "  rows: {rows_in} in = {rows_out} out + {rejects} rejected",
        "zh-CN": "  行数：读入 {rows_in} = 输出 {rows_out} + 拒绝 {rejects}",
    },
    "data.pii": {
        "en": "  pseudonymised: {structured} structured cells, {in_text} values inside free text",
        "zh-CN": "  已替换：结构化单元格 {structured} 个，自由文本中的个人信息 {in_text} 处",
    },
    "data.dropped": {
        "en": "  dropped (the map's drop:): {n} columns: {columns}",
        "zh-CN": "  已丢弃（映射中的 drop:）：{n} 列：{columns}",
    },
    "data.more_reasons": {
        "en": "    ... {n} more reasons in the rejects file",
        "zh-CN": "    …另有 {n} 种原因，见拒绝文件",
    },
    "data.output": {"en": "Output:   {path}", "zh-CN": "输出：    {path}"},
    "data.unverified": {
        "en": "NOT VERIFIED, kept for inspection only: {path}",
        "zh-CN": "未通过校验，仅供排查：{path}",
    },
    "data.rejects": {"en": "Rejects:  {path}", "zh-CN": "拒绝行：  {path}"},
    "data.meta": {"en": "Meta:     {path}", "zh-CN": "元数据：  {path}"},
    "data.registry": {"en": "Registry: {path}", "zh-CN": "假名登记：{path}"},
    "data.phase.read": {"en": "Reading", "zh-CN": "读取"},
    "data.phase.anonymise": {"en": "Anonymising", "zh-CN": "去标识化"},
    "data.phase.scan": {"en": "Scanning", "zh-CN": "扫描"},
    "data.progress": {"en": "{phase}: {done}/{total} rows", "zh-CN": "{phase}：{done}/{total} 行"},
    "data.scan_of": {
        "en": "Scanning {file}: {rows} rows, registry key id {key_id}",
        "zh-CN": "扫描 {file}：{rows} 行，登记表密钥 ID {key_id}",
    },
    "data.explain_hit": {
        "en": "row {row}, column {column}: {check} hit ({kind}): {context}",
        "zh-CN": "第 {row} 行，列 {column}：{check} 命中（{kind}）：{context}",
    },
    "data.explain_rule": {
        "en": "    clears it (check first, then add under 'allow:' in a --rules file): {rule}",
        "zh-CN": "    可用此规则放行（请先核实，再加到 --rules 文件的 allow: 下）：{rule}",
    },
    "data.explain_no_rule": {
        "en": "    a real value from the export: no rule clears it; map its column as PII",
        "zh-CN": "    这是导出文件中的真实值：任何规则都不能放行；请在映射中把该列标为个人信息",
    },
    "data.explain_by_hand": {
        "en": "    no cue word near it: check the cell, then add a 'value:' rule",
        "zh-CN": "    附近没有提示词：请核实该单元格，再添加 'value:' 规则",
    },
    "data.more_explained": {
        "en": "... {n} more hits not explained",
        "zh-CN": "…另有 {n} 处命中未展开",
    },
    # vendors (issue 6)
    "vendors.title": {"en": "Vendor adapters", "zh-CN": "厂商适配器"},
    "vendors.name": {"en": "Adapter", "zh-CN": "适配器"},
    "vendors.origin": {"en": "From", "zh-CN": "来源"},
    "vendors.class": {"en": "Class", "zh-CN": "实现类"},
    "vendors.offers": {"en": "Also offers", "zh-CN": "附加能力"},
    "vendors.bundled": {"en": "bundled", "zh-CN": "内置"},
    "vendors.from_file": {
        "en": "what the vendor file describes",
        "zh-CN": "由厂商文件描述",
    },
    "vendors.checked": {
        "en": "{path}: OK: vendor {name}, adapter {adapter}, also offers: {offers}",
        "zh-CN": "{path}：通过：厂商 {name}，适配器 {adapter}，附加能力：{offers}",
    },
    "vendors.hint": {
        "en": "Use one with 'adapter: <name>' in scenarios/vendors/<vendor>.yaml. Packages add "
        "adapters through the '{group}' entry-point group; 'rest' needs no Python at all "
        '(see the README, "Add your vendor").',
        "zh-CN": "在 scenarios/vendors/<厂商>.yaml 中写 'adapter: <名称>' 即可使用。第三方包通过 "
        "'{group}' 入口点组注册适配器；'rest' 适配器无需编写 Python（见 README“接入新厂商”）。",
    },
}


def detect_lang(explicit: str | None = None) -> Lang:
    value = explicit or os.environ.get("CSM_HARNESS_LANG") or ""
    if not value:
        locale = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
        value = "zh-CN" if locale.lower().startswith("zh") else "en"
    return "zh-CN" if value.lower().startswith("zh") else "en"


MESSAGES: dict[str, Text] = merge(_CLI_MESSAGES, SAFETY_MESSAGES, PROXY_MESSAGES)


def msg(key: str, lang: Lang, **fmt: object) -> str:
    return lookup(MESSAGES, key, lang, **fmt)
