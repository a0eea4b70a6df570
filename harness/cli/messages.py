"""CLI strings in English and zh-CN. The language comes from --lang, else CSM_HARNESS_LANG,
else the locale (LANG/LC_ALL starting with zh gives zh-CN)."""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["en", "zh-CN"]

MESSAGES: dict[str, dict[Lang, str]] = {
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
    "run.report": {"en": "Report: {path}", "zh-CN": "报告：{path}"},
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
}


def detect_lang(explicit: str | None = None) -> Lang:
    value = explicit or os.environ.get("CSM_HARNESS_LANG") or ""
    if not value:
        locale = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
        value = "zh-CN" if locale.lower().startswith("zh") else "en"
    return "zh-CN" if value.lower().startswith("zh") else "en"


def msg(key: str, lang: Lang, **fmt: object) -> str:
    return MESSAGES[key][lang].format(**fmt)
