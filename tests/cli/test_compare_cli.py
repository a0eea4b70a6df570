"""``csm-harness compare``: ranking with vetoes (issue 7 acceptance), reruns, history index."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from harness.cli import app
from harness.report.html import write_run_report
from harness.results import summary_json as json_writer
from harness.results.model import RunSummary
from tests.report import make_run

SCORING = """\
name: veto-test
dimensions:
  capability:
    weight: 100
    criteria:
      - id: routing-p95
        title: {en: Routing latency p95, zh-CN: 路由延迟 p95}
        measure: routing_latency.p95_ms
        weight: 100
        curve: {kind: linear, target: 0.2s, limit: 30s}
vetoes:
  - id: pii-leak
    title: {en: PII leaked, zh-CN: 个人信息泄露}
    measure: checks.pii_leaked
    require: "== 0"
"""


def _write(run: RunSummary, run_dir: Path, pii_leaked: int | None = None) -> Path:
    json_writer.write(run, run_dir)
    write_run_report(run, run_dir, "en")
    if pii_leaked is not None:
        checks = {"pii_leaked": pii_leaked, "checks": []}
        (run_dir / "checks.json").write_text(json.dumps(checks), encoding="utf-8")
    return run_dir


def _ranking_vendors(page: str) -> list[str]:
    rows = re.findall(r'<tr class="rank-row[^"]*"><td class="num">\d+</td><td>([^<]+)</td>', page)
    return rows


def test_a_vetoed_vendor_ranks_last_whatever_its_score_and_the_page_says_why(
    tmp_path: Path,
) -> None:
    batch = tmp_path / "batch"
    solid, saturating = make_run(), make_run(saturating=True)
    _write(solid, batch / solid.run_id, pii_leaked=1)  # the better score, but a veto
    _write(saturating, batch / saturating.run_id, pii_leaked=0)
    scoring = tmp_path / "scoring.yaml"
    scoring.write_text(SCORING, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["compare", str(batch), "--scoring", str(scoring), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    page = (batch / "comparison.html").read_text(encoding="utf-8")
    assert _ranking_vendors(page) == ["Sandbox (saturating)", "Sandbox (solid)"]
    assert '<tr class="rank-row vetoed">' in page
    assert "a vendor failing any veto ranks after every vendor that fails none" in page
    why = page[page.index('<ol class="why">') :]
    assert "#2 Sandbox (solid): vetoed by pii-leak (checks.pii_leaked = 1, required == 0)" in why
    assert "ranked after every vendor without a veto (weighted score 99.4" in why
    scores = json.loads((batch / "scores.json").read_text(encoding="utf-8"))
    solid_card = next(c for c in scores["cards"] if c["vendor"] == "sandbox-solid")
    saturating_card = next(c for c in scores["cards"] if c["vendor"] == "sandbox-saturating")
    assert solid_card["total"] > saturating_card["total"] and solid_card["rank"] == 2
    zh = (batch / "comparison.zh-CN.html").read_text(encoding="utf-8")
    assert _ranking_vendors(zh) == ["沙箱（易饱和）", "沙箱（稳健）"]
    assert "触发否决项 pii-leak" in zh


def test_reruns_of_a_vendor_show_regressions_and_the_history_index(tmp_path: Path) -> None:
    before = make_run()
    after = dataclasses.replace(make_run(saturating=True), vendor=before.vendor,
                                started_at="2026-11-12T00:00:00Z")  # fmt: skip
    first = _write(before, tmp_path / "b1" / before.run_id)
    second = _write(after, tmp_path / "b2" / after.run_id)
    out = tmp_path / "cmp" / "page.html"
    result = CliRunner().invoke(app, ["compare", str(first), str(second), "--out", str(out),
                                      "--index", str(tmp_path), "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "regression" in result.output
    page = out.read_text(encoding="utf-8")
    assert 'id="changes"' in page
    assert "Sandbox (solid): run of 2026-11-12T00:00:00Z against the run of 2026" in page
    assert '<tr class="regression"><th scope="row">Routing latency p95</th>' in page
    assert "+13.9 s (+3764.9%)" in page
    assert '<tr class="noise"><th scope="row">Ticket creation p95</th>' in page
    assert f'href="../b1/{before.run_id}/report.html"' in page
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert [run["path"] for run in index["runs"]] == [f"b2/{after.run_id}", f"b1/{before.run_id}"]
    assert index["runs"][0]["verdict"] == "fail" and index["runs"][0]["routing_p95_ms"] == 14300
    html_index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f'href="b1/{before.run_id}/report.html"' in html_index
    assert (tmp_path / "index.zh-CN.html").is_file()
