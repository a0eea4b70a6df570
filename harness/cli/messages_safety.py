"""CLI strings for interrupted and recovered runs, dry runs and credentials (issue 8) and for
the defect proxy, merged into :data:`harness.cli.messages.MESSAGES`."""

from __future__ import annotations

from harness.i18n import Text

SAFETY_MESSAGES: dict[str, Text] = {
    "report.rendered": {"en": "Report: {path}", "zh-CN": "报告：{path}"},
    "report.finished": {
        "en": "The run finished; its report was rendered again.",
        "zh-CN": "该运行已完成；报告已重新生成。",
    },
    "report.incomplete": {
        "en": "INCOMPLETE run: rebuilt from what was on disk ({lines} metric lines, "
        "{torn} torn line(s) skipped), up to {last}.",
        "zh-CN": "运行不完整：已根据磁盘上的数据重建（{lines} 行指标，跳过 {torn} 行残缺），"
        "数据截至 {last}。",
    },
    "report.no_data": {"en": "no metrics on disk", "zh-CN": "磁盘上没有指标"},
    "run.stopping": {
        "en": "Stopping the run and writing its report (Ctrl-C again to stop at once)...",
        "zh-CN": "正在停止运行并写入报告（再按一次 Ctrl-C 立即停止）……",
    },
    "run.interrupted": {
        "en": "Interrupted: the report covers the part that ran.",
        "zh-CN": "已中断：报告覆盖已运行的部分。",
    },
    "run.recovered": {
        "en": "The load process ended without a report; rebuilt it from disk (incomplete).",
        "zh-CN": "压测进程未写出报告即结束；已根据磁盘数据重建（不完整）。",
    },
    "dry.header": {
        "en": "DRY RUN: nothing is sent. Scenario {scenario}, vendor {vendor}.",
        "zh-CN": "演练模式：不发送任何请求。场景 {scenario}，厂商 {vendor}。",
    },
    "dry.target": {"en": "target: {target}", "zh-CN": "目标：{target}"},
    "dry.embedded": {
        "en": "an embedded sandbox ({profile}) started on 127.0.0.1 at run time",
        "zh-CN": "运行时在 127.0.0.1 启动的内置沙箱（{profile}）",
    },
    "dry.adapter": {
        "en": "adapter: {adapter}; auth: {auth}; probe: {probe}",
        "zh-CN": "适配器：{adapter}；认证：{auth}；探测：{probe}",
    },
    "dry.bounds": {
        "en": "bounds: at most {duration}, {requests} requests, {timeout} per request",
        "zh-CN": "上限：最长 {duration}，最多 {requests} 个请求，单个请求 {timeout}",
    },
    "dry.requests": {
        "en": "First {count} requests (credentials and personal data redacted):",
        "zh-CN": "前 {count} 个请求（凭据与个人信息已脱敏）：",
    },
    "dry.credential_missing": {
        "en": "note: {what} is not available yet ({why}); the real run will refuse to start "
        "without it.",
        "zh-CN": "注意：{what} 当前不可用（{why}）；正式运行时缺少它将拒绝启动。",
    },
}


PROXY_MESSAGES: dict[str, Text] = {
    "proxy.started": {
        "en": "Proxy for {vendor} on {url} -> {upstream}; injecting: {kinds}",
        "zh-CN": "{vendor} 的代理在 {url} -> {upstream}；注入缺陷：{kinds}",
    },
    "proxy.listen": {
        "en": "--listen {listen}: the proxy listens on loopback only; write 127.0.0.1:PORT",
        "zh-CN": "--listen {listen}：代理只监听本机回环地址；请写 127.0.0.1:端口",
    },
}
