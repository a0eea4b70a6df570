"""The tables the export writers share: columns with en/zh-CN headers and a number format.

One definition of the metrics table, the thresholds table, the per-ticket sample and the scores
table, so CSV, XLSX and Parquet hold the same columns with the same values. Values stay
numbers (``None`` where a statistic has no samples); formatting belongs to each writer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from harness.analysis.scorecard import ScoreReport
from harness.i18n import Lang
from harness.report.compare import Comparison
from harness.report.i18n import t
from harness.results.model import ERRORS, ROUTING_LATENCY, UNROUTED, RunSummary

__all__ = [
    "CHECK_LIST_KEYS",
    "METRIC_COLUMNS",
    "SCORE_COLUMNS",
    "THRESHOLD_COLUMNS",
    "Column",
    "Kind",
    "Table",
    "checks_table",
    "comparison_table",
    "metrics_table",
    "scores_table",
    "summary_table",
    "thresholds_table",
    "tickets_table",
]

Kind = Literal["text", "int", "float", "ms", "pct", "bool"]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    en: str
    zh: str
    kind: Kind = "text"

    def header(self, lang: Lang) -> str:
        return self.zh if lang == "zh-CN" else self.en


@dataclass(frozen=True, slots=True)
class Table:
    columns: Sequence[Column]
    rows: list[list[Any]]
    value_kinds: list[Kind] | None = None  # key/value tables: the kind of each row's value

    def headers(self, lang: Lang) -> list[str]:
        return [column.header(lang) for column in self.columns]


def _c(key: str, en: str, zh: str, kind: Kind = "text") -> Column:
    return Column(key, en, zh, kind)


METRIC_COLUMNS: Final = (
    _c("name", "Metric", "指标"),
    _c("kind", "Kind", "类型"),
    _c("title", "Title", "名称"),
    _c("count", "Count", "样本数", "int"),
    _c("min_ms", "Min (ms)", "最小值（毫秒）", "ms"),
    _c("mean_ms", "Mean (ms)", "平均值（毫秒）", "ms"),
    _c("p50_ms", "p50 (ms)", "p50（毫秒）", "ms"),
    _c("p90_ms", "p90 (ms)", "p90（毫秒）", "ms"),
    _c("p95_ms", "p95 (ms)", "p95（毫秒）", "ms"),
    _c("p99_ms", "p99 (ms)", "p99（毫秒）", "ms"),
    _c("max_ms", "Max (ms)", "最大值（毫秒）", "ms"),
    _c("hits", "Hits", "命中数", "int"),
    _c("total", "Total", "总数", "int"),
    _c("rate", "Rate", "比率", "pct"),
    _c("per_second", "Per second", "每秒", "float"),
)
THRESHOLD_COLUMNS: Final = (
    _c("metric", "Metric", "指标"),
    _c("source", "Threshold", "阈值"),
    _c("ok", "Passed", "通过", "bool"),
    _c("measured", "Measured", "实测值"),
)
SCORE_COLUMNS: Final = (
    _c("rank", "Rank", "排名", "int"),
    _c("vendor", "Vendor", "厂商"),
    _c("total", "Total", "总分", "float"),
    _c("vetoed", "Vetoed", "被否决", "bool"),
    _c("line", "Line", "评分项"),
    _c("title", "Title", "名称"),
    _c("measured", "Measured", "实测值", "float"),
    _c("points", "Points", "得分", "float"),
    _c("weight", "Weight %", "权重 %", "float"),
    _c("contribution", "Contribution", "加权得分", "float"),
    _c("explanation", "Explanation", "说明"),
)
COMPARISON_COLUMNS: Final = (
    _c("rank", "Rank", "排名", "int"),
    _c("vendor", "Vendor", "厂商"),
    _c("verdict", "Verdict", "结论"),
    _c("routing_p95_ms", "Routing p95 (ms)", "路由 p95（毫秒）", "ms"),
    _c("error_rate", "Error rate", "错误率", "pct"),
    _c("unrouted_rate", "Unrouted", "未分配率", "pct"),
    _c("thresholds_passed", "Thresholds passed", "通过阈值数", "int"),
)
CHECK_LIST_KEYS: Final = ("checks", "results")
TICKET_HEADERS_ZH: Final = {
    "external_id": "外部编号",
    "ticket_id": "工单编号",
    "arrival": "到达序号",
    "process": "进程",
    "category": "类别",
    "channel": "渠道",
    "priority": "优先级",
    "intended_at": "计划开始（Unix 秒）",
    "sent_at": "实际发送（Unix 秒）",
    "lag_ms": "发送滞后（毫秒）",
    "create_ms": "创建耗时（毫秒）",
    "outcome": "结果",
    "routing_ms": "路由耗时（毫秒）",
    "observed_by": "观测方式",
    "agent_id": "坐席",
    "queue": "队列",
}


def metrics_table(summary: RunSummary, lang: Lang) -> Table:
    rows = []
    for metric in summary.metrics.values():
        values = {**metric.to_dict(), "title": metric.title(lang)}
        rows.append([values.get(column.key) for column in METRIC_COLUMNS])
    return Table(METRIC_COLUMNS, rows)


def thresholds_table(summary: RunSummary) -> Table:
    rows: list[list[Any]] = [
        [outcome.metric, outcome.source, outcome.ok, outcome.measured_text]
        for outcome in summary.thresholds
    ]
    return Table(THRESHOLD_COLUMNS, rows)


def summary_table(summary: RunSummary, lang: Lang) -> Table:
    """The run's facts as (field, value) rows; numbers stay numbers."""
    s = summary
    probe = s.probe
    facts: list[tuple[str, str, Any, Kind]] = [
        ("Vendor", "厂商", s.vendor.title(lang), "text"),
        ("Scenario", "场景", s.scenario, "text"),
        ("Run id", "运行 ID", s.run_id, "text"),
        ("Verdict", "结论", t(f"verdict.{s.verdict}", lang), "text"),
        ("Complete", "完整运行", s.complete, "bool"),
        ("Started (UTC)", "开始时间（UTC）", s.started_at, "text"),
        ("Ended (UTC)", "结束时间（UTC）", s.ended_at, "text"),
        ("Duration (s)", "时长（秒）", s.duration_s, "float"),
        ("Load kind", "负载类型", s.load.kind, "text"),
        ("Planned arrivals", "计划到达数", s.load.planned_arrivals, "int"),
        ("Planned rate (/s)", "计划到达率（/秒）", s.load.rate_per_s, "float"),
        ("Max users", "最大用户数", s.load.max_users, "int"),
        ("Probe", "探测方式", s.probe.mode, "text"),
        ("Probe timeout (s)", "探测超时（秒）", s.probe.timeout_s, "float"),
        ("Webhook signature", "Webhook 签名", probe.webhook_signature, "text"),
        ("Vendor clock offset (ms)", "厂商时钟偏差（毫秒）", probe.vendor_clock_offset_ms, "float"),
        ("Vendor clock bound (ms)", "厂商时钟误差（毫秒）", probe.vendor_clock_bound_ms, "float"),
        ("Thresholds passed", "通过阈值数", s.thresholds_passed, "int"),
        ("Thresholds", "阈值总数", len(s.thresholds), "int"),
        ("Generator CPU max (%)", "压测机 CPU 峰值（%）", s.generator.cpu_max_percent, "float"),
        ("Histogram relative error", "直方图相对误差", s.generator.histogram_relative_error, "pct"),
    ]
    columns = (_c("field", "Field", "项目"), _c("value", "Value", "数值"))
    rows: list[list[Any]] = [[zh if lang == "zh-CN" else en, value] for en, zh, value, _ in facts]
    return Table(columns, rows, [kind for *_, kind in facts])


def tickets_table(path: Path, limit: int) -> Table | None:
    """The first ``limit`` rows of tickets.parquet, read in one batch (never the whole file)."""
    if not path.is_file():
        return None
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(path)
    names: list[str] = list(handle.schema_arrow.names)
    rows: list[list[Any]] = []
    for batch in handle.iter_batches(batch_size=max(1, limit)):
        rows = [list(row.values()) for row in batch.to_pylist()]
        break
    types = {field.name: str(field.type) for field in handle.schema_arrow}
    columns = [
        Column(name, name, TICKET_HEADERS_ZH.get(name, name), _arrow_kind(types[name], name))
        for name in names
    ]
    return Table(columns, rows[:limit])


def _arrow_kind(arrow_type: str, name: str) -> Kind:
    if arrow_type.startswith(("int", "uint")):
        return "int"
    if arrow_type in ("double", "float"):
        return "ms" if name.endswith("_ms") else "float"
    if arrow_type.startswith("timestamp"):
        return "text"
    if arrow_type == "bool":
        return "bool"
    return "text"


def checks_table(data: object) -> Table | None:
    """A checks results file as a table: its list of checks, or its top-level values."""
    if not isinstance(data, Mapping):
        return None
    items = next((data[key] for key in CHECK_LIST_KEYS if isinstance(data.get(key), list)), None)
    if items:
        keys: list[str] = []
        for item in items:
            if isinstance(item, Mapping):
                keys += [str(k) for k in item if str(k) not in keys]
        columns = [Column(k, k, k, "text") for k in keys]
        rows = [[_cell(item.get(k)) for k in keys] for item in items if isinstance(item, Mapping)]
        return Table(columns, rows)
    fields = (_c("field", "Field", "项目"), _c("value", "Value", "数值"))
    return Table(fields, [[str(k), _cell(v)] for k, v in data.items()])


def _cell(value: object) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    import json

    return json.dumps(value, ensure_ascii=False)


def scores_table(report: ScoreReport, lang: Lang) -> Table:
    rows: list[list[Any]] = []
    for card in report.cards:
        head = [card.rank, card.title(lang), card.total, card.vetoed]
        rows += [
            [*head, f"{line.dimension}/{line.criterion}", line.title(lang), line.measured,
             line.points, line.weight, line.contribution, line.explanation(lang)]
            for line in card.lines
        ]  # fmt: skip
        rows += [
            [*head, f"veto/{veto.veto}", veto.title(lang), veto.measured, None, None, None,
             veto.explanation(lang)]
            for veto in card.vetoes
        ]  # fmt: skip
    return Table(SCORE_COLUMNS, rows)


def comparison_table(comparison: Comparison, lang: Lang) -> Table:
    rows: list[list[Any]] = [
        [rank, run.vendor.title(lang), t(f"verdict.{run.verdict}", lang),
         run.stat(ROUTING_LATENCY, "p95_ms"), run.stat(ERRORS, "rate"), run.stat(UNROUTED, "rate"),
         run.thresholds_passed]
        for rank, run in enumerate(comparison.runs, start=1)
    ]  # fmt: skip
    return Table(COMPARISON_COLUMNS, rows)
