"""``csm-harness score`` and ``csm-harness export`` end to end over summary.json fixtures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from harness.analysis.scorecard import read_scores
from harness.cli import app
from harness.results import summary_json as json_writer
from tests.report import make_run

EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "scoring" / "double11-poc.yaml"


def _batch(tmp_path: Path) -> Path:
    batch = tmp_path / "batch"
    for saturating in (False, True):
        run = make_run(saturating)
        json_writer.write(run, batch / run.run_id)
    return batch


def test_score_ranks_explains_and_writes_scores_json(tmp_path: Path) -> None:
    batch = _batch(tmp_path)
    result = CliRunner().invoke(app, ["score", str(EXAMPLE), str(batch), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "routing-p95: routing_latency.p95_ms = 370 ms" in result.output
    assert "✗ data-loss: VETO Data loss" in result.output
    report = read_scores(batch / "scores.json")
    assert [card.vendor for card in report.cards] == ["sandbox-solid", "sandbox-saturating"]
    assert all(card.vetoed for card in report.cards)  # no migration.json or checks.json here


def test_export_batch_writes_each_run_and_one_junit(tmp_path: Path) -> None:
    batch = _batch(tmp_path)
    result = CliRunner().invoke(
        app, ["export", str(batch), "--format", "junit", "--format", "csv", "--lang", "zh-CN"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(batch).as_posix() for p in batch.rglob("*.csv")) == [
        "20261111T0000Z-sandbox-saturating/metrics.csv",
        "20261111T0000Z-sandbox-solid/metrics.csv",
    ]
    root = ET.parse(batch / "junit.xml").getroot()
    assert len(root.findall("testsuite")) == 2
