"""Locust master + two worker processes: merged histograms count every request exactly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.load.helpers import SCENARIOS, csm_harness, records, run_dirs, summary
from tests.load.quantiles import assert_percentiles_in_band

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    scenario = SCENARIOS / "distributed.yaml"
    done = csm_harness("run", str(scenario), "--workers", "2", "--out", str(out), cwd=out)
    assert done.returncode == 0, done.stdout + done.stderr
    [found] = run_dirs(out)
    return found


def test_both_workers_sent_tickets(run_dir: Path) -> None:
    processes = {r["process"].split("-")[0] for r in records(run_dir)}
    assert processes == {"0", "1"}
    assert summary(run_dir)["generator"]["workers"] == 2


def test_merged_count_equals_requests_made(run_dir: Path) -> None:
    data = summary(run_dir)
    rows = records(run_dir)
    created = [r for r in rows if r["create_ms"] is not None]
    assert data["metrics"]["ticket_create"]["count"] == len(created)
    assert data["metrics"]["tickets_created"]["count"] == len(created)
    with (run_dir / "locust_stats.csv").open(encoding="utf-8") as handle:
        aggregated = [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]
    locust_requests = int(aggregated[0]["Request Count"])
    assert data["metrics"]["http_req_duration"]["count"] == locust_requests
    assert data["metrics"]["requests"]["count"] == locust_requests


def test_merged_percentiles_match_the_raw_samples(run_dir: Path) -> None:
    data = summary(run_dir)["metrics"]["ticket_create"]
    raw = [r["create_ms"] for r in records(run_dir) if r["create_ms"] is not None]
    assert_percentiles_in_band(data, [(v, v) for v in raw], (50, 90, 95, 99))  # exact samples
    assert data["max_ms"] == pytest.approx(max(raw), rel=1e-9)
