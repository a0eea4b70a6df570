"""What the residual scan reports: counts, and where leaks are (row, column, offset), never
what they are; its summary in English or zh-CN. Scanners (:mod:`harness.data.residual`) make
one report per piece of a table and :func:`add_report` sums them in table order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = ["SHOWN_LOCATIONS", "Leak", "ScanReport", "add_report"]

SHOWN_LOCATIONS: Final[int] = 20


@dataclass(frozen=True, slots=True)
class Leak:
    """Where a real value survived: ``row`` is the 0-based position in the frame, ``offset`` the
    character offset in the cell. Never the value."""

    check: Literal["exact", "detector"]
    kind: str
    row: int
    column: str
    offset: int


@dataclass
class ScanReport:
    cells: int = 0
    exact_hits: int = 0
    detector_hits: int = 0  # paranoid detector hits, issued pseudonyms included (cells that are
    # exactly one pseudonym, as structured columns are, skip the detector)
    unknown_hits: int = 0  # detector hits that are neither issued nor allowed: leaks
    leaks: list[Leak] = field(default_factory=list)  # the first ``max_leaks`` of them
    cleared: dict[int, int] = field(default_factory=dict)  # rule index -> detector hits cleared

    @property
    def ok(self) -> bool:
        return self.exact_hits == 0 and self.unknown_hits == 0

    def summary(self, lang: str = "en") -> str:
        zh = lang.lower().startswith("zh")
        total = self.exact_hits + self.unknown_hits
        if zh:
            head = f"残留个人信息扫描：共 {self.cells:,} 个单元格，" + (
                "通过。" if self.ok else f"未通过：发现 {total:,} 处泄漏（不显示具体值）。"
            )
            lines = [
                head,
                f"  真实值精确匹配：{self.exact_hits:,} 处",
                f"  检测器命中：{self.detector_hits:,} 处，其中 {self.unknown_hits:,} 处"
                "既不是已发放的假名也不在允许名单内",
            ]
            where = "  第 {row} 行，列 {column}，偏移 {offset}：{check}（{kind}）"
            checks = {"exact": "精确匹配", "detector": "检测器"}
            more = "  …另有 {n:,} 处"
        else:
            head = f"Residual-PII scan of {self.cells:,} cells: " + (
                "PASS." if self.ok else f"FAIL, {total:,} leaks (values not shown)."
            )
            lines = [
                head,
                f"  exact matches of real values: {self.exact_hits:,}",
                f"  detector hits: {self.detector_hits:,}, of which {self.unknown_hits:,} "
                "neither an issued pseudonym nor allow-listed",
            ]
            where = "  row {row}, column {column}, offset {offset}: {check} ({kind})"
            checks = {"exact": "exact", "detector": "detector"}
            more = "  ... and {n:,} more"
        for leak in self.leaks[:SHOWN_LOCATIONS]:
            lines.append(
                where.format(
                    row=leak.row,
                    column=leak.column,
                    offset=leak.offset,
                    check=checks[leak.check],
                    kind=leak.kind,
                )
            )
        if total > SHOWN_LOCATIONS:
            lines.append(more.format(n=total - min(SHOWN_LOCATIONS, len(self.leaks))))
        return "\n".join(lines)


def add_report(report: ScanReport, part: ScanReport, max_leaks: int) -> None:
    """Add the counts of ``part`` (a later piece of the same table) to ``report``."""
    report.cells += part.cells
    report.exact_hits += part.exact_hits
    report.detector_hits += part.detector_hits
    report.unknown_hits += part.unknown_hits
    for rule, count in part.cleared.items():
        report.cleared[rule] = report.cleared.get(rule, 0) + count
    report.leaks += part.leaks[: max_leaks - len(report.leaks)]
