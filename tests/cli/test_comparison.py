"""Two vendors, one scenario: the saturating one is measurably worse and the pages say so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.load.helpers import SCENARIOS, csm_harness, run_dirs, summary

pytestmark = pytest.mark.slow


def test_saturating_vendor_is_measurably_worse_and_the_report_says_so(tmp_path: Path) -> None:
    done = csm_harness("run", str(SCENARIOS / "two-vendors.yaml"), "--out", str(tmp_path),
                       "--lang", "en", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr  # the saturating vendor fails
    by_vendor = {summary(d)["vendor"]["name"]: summary(d) for d in run_dirs(tmp_path)}
    solid = by_vendor["sandbox-solid"]["metrics"]["routing_latency"]["p95_ms"]
    saturating = by_vendor["sandbox-saturating"]["metrics"]["routing_latency"]["p95_ms"]
    assert saturating > 20 * solid
    assert by_vendor["sandbox-solid"]["verdict"] == "pass"
    assert by_vendor["sandbox-saturating"]["verdict"] == "fail"
    finding = re.search(
        r"Sandbox \(saturating\) routes tickets ([\d.,]+)× slower than Sandbox \(solid\) at p95",
        done.stdout,
    )
    assert finding, done.stdout
    [comparison] = tmp_path.glob("*/comparison.html")
    page = comparison.read_text(encoding="utf-8")
    assert finding.group(0) in page
    assert "smoke-" not in page and "two-vendors-sandbox-saturating/report.html" in page
    assert (comparison.parent / "comparison.zh-CN.html").exists()
