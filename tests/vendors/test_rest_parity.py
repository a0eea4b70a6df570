"""A vendor described only in YAML runs a scenario end to end: the embedded sandbox through the
declarative ``rest`` adapter measures what the native ``sandbox`` adapter measures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.helpers import SCENARIOS, csm_harness, records, run_dirs, summary

pytestmark = pytest.mark.slow


def test_rest_description_of_the_sandbox_matches_the_native_adapter(tmp_path: Path) -> None:
    done = csm_harness(
        "run", str(SCENARIOS / "rest-parity.yaml"), "--out", str(tmp_path), cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    by_vendor = {summary(d)["vendor"]["name"]: d for d in run_dirs(tmp_path)}
    assert set(by_vendor) == {"sandbox-solid", "sandbox-rest"}
    native, rest = (summary(by_vendor[n]) for n in ("sandbox-solid", "sandbox-rest"))
    for metric in ("tickets_created", "tickets_routed"):
        assert rest["metrics"][metric]["count"] == native["metrics"][metric]["count"] == 20
    # webhook mode on both (the YAML verifies HMAC); each run measures its own clock offset
    clock = {"vendor_clock_offset_ms", "vendor_clock_bound_ms"}
    assert {k: v for k, v in rest["probe"].items() if k not in clock} == {
        k: v for k, v in native["probe"].items() if k not in clock
    }
    assert rest["probe"]["mode"] == "webhook"
    latency = rest["metrics"]["routing_latency"]
    assert latency["count"] == 20 and 0 < latency["p50_ms"] <= latency["p95_ms"]
    rows = records(by_vendor["sandbox-rest"])
    assert [r["outcome"] for r in rows] == ["routed"] * 20
    assert all(r["observed_by"] == "webhook" and r["routing_ms"] > 0 for r in rows)
    assert {r["queue"] for r in rows} == {r["category"] for r in rows}
    assert rest["verdict"] == native["verdict"] == "pass"
