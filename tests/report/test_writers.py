"""Export writers against a real run: XLSX, CSV, JUnit XML and Parquet hold summary.json's numbers.

One real run of ``tests/load/scenarios/tiny.yaml`` against the embedded sandbox (module-scoped,
about ten seconds) gives a summary.json and tickets.parquet as ``csm-harness run`` writes them;
the report fixtures (``tests.report.make_run``) cover failing thresholds and comparisons.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from harness.analysis.scorecard import VendorInputs, write_scores
from harness.analysis.scoring import score
from harness.cli.export import export_run
from harness.config.loader import validate_data
from harness.config.problems import LineMap
from harness.config.scoring import ScoringModel
from harness.i18n import Lang
from harness.report.compare import Comparison
from harness.report.tables import METRIC_COLUMNS
from harness.report.writers import csv as csv_writer
from harness.report.writers import junit as junit_writer
from harness.report.writers import parquet as parquet_writer
from harness.report.writers import xlsx as xlsx_writer
from harness.report.writers.base import ExportRun
from harness.report.writers.registry import WRITERS
from harness.results import summary_json as json_writer
from harness.results.model import RunSummary
from tests.report import make_run

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "load" / "scenarios" / "tiny.yaml"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs")
    subprocess.run(
        [sys.executable, "-m", "harness", "run", str(TINY), "--out", str(out), "--lang", "en"],
        check=True, cwd=ROOT, capture_output=True, timeout=240,
    )  # fmt: skip
    (found,) = out.glob(f"*/*/{json_writer.FILENAME}")
    return found.parent


@pytest.fixture(scope="module")
def raw(run_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run_dir / json_writer.FILENAME).read_text("utf-8"))
    return data


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float)
        return math.isclose(a, b, rel_tol=1e-12)
    return a == b


# --- XLSX ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_xlsx_sheets_hold_the_numbers_of_summary_json(
    run_dir: Path, raw: dict[str, Any], tmp_path: Path, lang: Lang
) -> None:
    import openpyxl

    summary = json_writer.read(run_dir / json_writer.FILENAME)
    path = xlsx_writer.write(
        summary, tmp_path, lang=lang, tickets=run_dir / "tickets.parquet",
        sample_rows=5,
    )  # fmt: skip
    book = openpyxl.load_workbook(path)
    names = {key: titles[lang] for key, titles in xlsx_writer.SHEETS.items()}
    assert book.sheetnames == [names[k] for k in ("summary", "metrics", "thresholds", "tickets")]

    metrics = book[names["metrics"]]
    keys = [column.key for column in METRIC_COLUMNS]
    header = [cell.value for cell in metrics[1]]
    assert header == [column.header(lang) for column in METRIC_COLUMNS]
    assert ("指标" in header) == (lang == "zh-CN")
    assert metrics.freeze_panes == "A2"
    rows = list(metrics.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(raw["metrics"])
    for row in rows:
        expected = raw["metrics"][row[0]]
        for key, value in zip(keys, row, strict=True):
            if key != "title":
                assert _close(value, expected[key]), (row[0], key, value, expected[key])
    assert metrics.cell(2, keys.index("p95_ms") + 1).number_format == "#,##0.0"
    rate_row = next(i for i, row in enumerate(rows, start=2) if row[0] == "errors")
    rate_cell = metrics.cell(rate_row, keys.index("rate") + 1)
    assert isinstance(rate_cell.value, int | float) and rate_cell.number_format == "0.00%"

    thresholds = book[names["thresholds"]]
    assert [list(r) for r in thresholds.iter_rows(min_row=2, values_only=True)] == [
        [t["metric"], t["source"], t["ok"], t["measured_text"]] for t in raw["thresholds"]
    ]
    summary_sheet = {r[0]: r[1] for r in book[names["summary"]].iter_rows(values_only=True)}
    planned = "计划到达数" if lang == "zh-CN" else "Planned arrivals"
    assert summary_sheet[planned] == raw["load"]["planned_arrivals"]
    tickets = book[names["tickets"]]
    assert tickets.max_row == 1 + 5
    assert book[names["metrics"]].column_dimensions["C"].width > 8


def test_xlsx_adds_checks_scores_and_comparison_sheets(tmp_path: Path) -> None:
    import openpyxl

    solid, saturating = make_run(), make_run(True)
    report = score(_model(), [_inputs(solid), _inputs(saturating)])
    checks = {"pass_rate": 0.9, "checks": [{"id": "ROUTE-001", "passed": True, "severity": "veto"},
                                           {"id": "MIG-002", "passed": False}]}  # fmt: skip
    path = xlsx_writer.write(
        solid, tmp_path, lang="zh-CN", checks=checks, scores=report,
        comparison=Comparison.build([solid, saturating]),
    )  # fmt: skip
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["概要", "指标", "阈值", "验收检查", "评分", "厂商对比"]
    assert [c.value for c in book["验收检查"][1]] == ["id", "passed", "severity"]
    assert book["验收检查"].max_row == 3
    scores = list(book["评分"].iter_rows(min_row=2, values_only=True))
    assert scores[0][:4] == (1, "沙箱（稳健）", pytest.approx(report.cards[0].total), False)
    comparison = list(book["厂商对比"].iter_rows(min_row=2, values_only=True))
    assert comparison[0][3] == 370.0 and comparison[1][4] == pytest.approx(302 / 7200)


# --- CSV and Parquet --------------------------------------------------------------------------


def test_csv_round_trips_the_metrics(run_dir: Path, raw: dict[str, Any], tmp_path: Path) -> None:
    summary = json_writer.read(run_dir / json_writer.FILENAME)
    rows = csv_writer.read_metrics(csv_writer.write(summary, tmp_path, lang="zh-CN"))
    assert [row["name"] for row in rows] == list(raw["metrics"])
    for row in rows:
        expected = {**raw["metrics"][row["name"]], "title": raw["metrics"][row["name"]]["title_zh"]}
        assert row == {column.key: expected[column.key] for column in METRIC_COLUMNS}


def test_csv_ticket_sample_is_the_first_rows(run_dir: Path, tmp_path: Path) -> None:
    import pandas as pd

    path = csv_writer.write_tickets(run_dir / "tickets.parquet", tmp_path, limit=7)
    assert path is not None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    frame = pd.read_parquet(run_dir / "tickets.parquet")
    assert len(rows) == 7
    assert [r["external_id"] for r in rows] == list(frame["external_id"][:7])
    assert csv_writer.write_tickets(tmp_path / "none.parquet", tmp_path) is None


def test_parquet_holds_typed_metrics(run_dir: Path, raw: dict[str, Any], tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    summary = json_writer.read(run_dir / json_writer.FILENAME)
    table = pq.read_table(parquet_writer.write(summary, tmp_path))
    assert str(table.schema.field("p95_ms").type) == "double"
    assert str(table.schema.field("count").type) == "int64"
    rows = {row["name"]: row for row in table.to_pylist()}
    for name, metric in raw["metrics"].items():
        assert rows[name]["p95_ms"] == metric["p95_ms"]
        assert rows[name]["rate"] == metric["rate"]


# --- JUnit -----------------------------------------------------------------------------------


def test_junit_counts_match_thresholds_vetoes_and_score_lines(tmp_path: Path) -> None:
    solid, saturating = make_run(), make_run(True)
    report = score(_model(), [_inputs(solid), _inputs(saturating)])
    entries = [(run, report.card(run.vendor.name)) for run in (solid, saturating)]
    path = junit_writer.write_many(entries, tmp_path / "junit.xml")
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "double11-peak/sandbox-solid", "double11-peak/sandbox-saturating",
    ]  # fmt: skip
    for suite, (run, card) in zip(suites, entries, strict=True):
        assert card is not None
        cases = suite.findall("testcase")
        assert len(cases) == len(run.thresholds) + len(card.vetoes) + len(card.lines)
        failed = [c for c in cases if c.find("failure") is not None]
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == len(failed)
        assert int(suite.get("skipped", "")) == sum(c.find("skipped") is not None for c in cases)
        assert float(suite.get("time", "")) == run.duration_s
        threshold_failures = [c for c in failed if c.get("classname", "").endswith(".thresholds")]
        assert len(threshold_failures) == len(run.thresholds) - run.thresholds_passed
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key, "")) == sum(int(s.get(key, "")) for s in suites)
    failure = suites[1].find("testcase/failure")
    assert failure is not None
    assert failure.get("message") == "measured p95=14.3s, expected p95 < 10s"
    veto = suites[1].find("testcase[@classname='sandbox-saturating.vetoes']/failure")
    assert veto is not None
    assert veto.get("message") == "measured errors.rate = 0.0419444, expected < 1%"


def test_junit_reports_a_cut_run_as_an_error(tmp_path: Path) -> None:
    import dataclasses

    cut = dataclasses.replace(make_run(), complete=False)
    root = ET.parse(junit_writer.write(cut, tmp_path)).getroot()
    assert root.get("errors") == "1"
    assert root.find("testsuite/testcase[@name='run.complete']/error") is not None


# --- export command ---------------------------------------------------------------------------


def test_export_run_writes_every_format_and_finds_scores(run_dir: Path, tmp_path: Path) -> None:
    summary = json_writer.read(run_dir / json_writer.FILENAME)
    report = score(_model(), [_inputs(summary)])
    write_scores(report, run_dir.parent / "scores.json")
    try:
        written = export_run(ExportRun(summary, run_dir, "en", 3), tmp_path, list(WRITERS))
    finally:
        (run_dir.parent / "scores.json").unlink()
    assert sorted(p.name for p in written) == sorted(
        ["results.xlsx", "metrics.csv", "tickets-sample.csv", "junit.xml", "metrics.parquet",
         "summary.json"]
    )  # fmt: skip
    assert json_writer.read(tmp_path / "summary.json") == summary
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.find("testsuite/testcase[@classname='sandbox-solid.scores']") is not None


def _toy(run: ExportRun, out_dir: Path) -> list[Path]:
    """A format in five lines: the vendor and each threshold's verdict, one per line."""
    path = out_dir / "verdicts.txt"
    lines = [run.summary.vendor.name] + [f"{t.metric}: {t.ok}" for t in run.summary.thresholds]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path]


def test_a_registered_writer_is_a_format_of_the_export_command(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from harness.cli import app

    monkeypatch.setitem(WRITERS, "toy", _toy)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["export", str(run_dir), "--format", "toy", "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    summary = json_writer.read(run_dir / json_writer.FILENAME)
    assert (out / "verdicts.txt").read_text("utf-8").splitlines()[0] == summary.vendor.name
    assert [p.name for p in out.iterdir()] == ["verdicts.txt"]


def test_an_unknown_format_names_the_formats(run_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness", "export", str(run_dir), "--format", "pdf"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--format pdf: not a format; choose from xlsx, csv, junit, parquet, json" in (
        result.stderr + result.stdout
    )
    assert "Traceback" not in result.stderr


# --- helpers ---------------------------------------------------------------------------------


def _model() -> ScoringModel:
    data = {
        "name": "t",
        "dimensions": {
            "capability": {"weight": 100, "criteria": [
                {"id": "p95", "title": {"en": "p95", "zh-CN": "p95"},
                 "measure": "routing_latency.p95_ms", "weight": 50,
                 "curve": {"kind": "linear", "target": "1s", "limit": "10s"}},
                {"id": "bp", "title": {"en": "Breakpoint", "zh-CN": "拐点"},
                 "measure": "breakpoint.breakpoint_rate", "weight": 50,
                 "curve": {"kind": "linear", "target": 100, "limit": 0}},
            ]},
        },
        "vetoes": [{"id": "errors", "title": {"en": "Errors", "zh-CN": "错误"},
                    "measure": "errors.rate", "require": "< 1%"}],
    }  # fmt: skip
    return validate_data(ScoringModel, data, LineMap({}), "scoring.yaml")


def _inputs(run: RunSummary) -> VendorInputs:
    return VendorInputs(
        run.vendor.name, run.vendor.title_en, run.vendor.title_zh, run.run_id,
        {"summary": run.to_dict()},
    )  # fmt: skip
