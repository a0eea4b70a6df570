"""The run report's optional sections: errors by kind, checks.json, scores.json, breakpoint.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.report.checks_view import parse_checks, read_checks
from harness.report.extras import RunExtras, load_extras, parse_breakpoint
from harness.report.html import render_run, write_run_report
from harness.results import summary_json as json_writer
from tests.report import make_run

CHECKS = {
    "schema_version": 1,
    "pass_rate": 0.5,
    "pii_leaked": 1,
    "checks": [
        {"id": "ROUTE-001", "severity": "veto", "passed": True,
         "title": {"en": "Tickets route to the right queue", "zh-CN": "工单路由到正确队列"}},
        {"id": "MASK-002", "severity": "veto", "outcome": "failed",
         "title": {"en": "Phone numbers are masked", "zh-CN": "手机号已脱敏"},
         "message": "Received: 13812345678 / Expected: 138****5678",
         "reproduction": "curl -X GET 'http://127.0.0.1:8400/tickets/42'"},
    ],
}  # fmt: skip
BREAKPOINT = {
    "vendor": {"name": "sandbox-solid"},
    "stop_reason": "resolved",
    "breakpoint_per_s": 60.0,
    "first_bad_per_s": 66.0,
    "usl": {"lambda": 10.0, "sigma": 0.05, "kappa": 0.002, "r2": 0.99, "points": 4,
            "knee_concurrency": 21.8, "peak_throughput": 80.0, "peak_kind": "knee"},
    "steps": [{"concurrency": n, "throughput_per_s": x, "ok": ok, "complete": True}
              for n, x, ok in ((1.0, 10.0, True), (4.0, 35.0, True), (9.0, 60.0, True),
                               (20.0, 70.0, False))],
}  # fmt: skip


def test_checks_reader_is_tolerant(tmp_path: Path) -> None:
    assert read_checks(tmp_path) is None  # absent
    (tmp_path / "checks.json").write_text("{not json", encoding="utf-8")
    assert read_checks(tmp_path) is None
    by_id = parse_checks({"checks": {"A-1": {"status": "PASS", "title": "plain"}, "B": 3}})
    assert by_id is not None and [(c.id, c.outcome, c.title("zh-CN")) for c in by_id.checks] == [
        ("A-1", "passed", "plain")
    ]
    failures = parse_checks([{"id": "X", "passed": False, "failures": [
        {"message": "m1", "repro": "curl a"}, {"message": "m2", "curl": "curl a"}]}])  # fmt: skip
    assert failures is not None
    (item,) = failures.failed
    assert (item.message, item.repro) == ("m1\nm2", ["curl a"])
    assert parse_checks({"nothing": 1}) is None


def test_errors_by_kind_keep_broken_throttled_and_late_apart() -> None:
    page = render_run(make_run(saturating=True), "en")
    section = page[page.index('id="errors"') :]
    for key in ("broken", "throttled", "late", "unrouted"):
        assert f'class="error-{key}"' in section
    assert "302" in section and "7,200" in section  # broken: hits of total
    assert "Not the vendor" not in section


def test_report_shows_failed_checks_with_reproduction_and_the_breakpoint(tmp_path: Path) -> None:
    run = make_run()
    run_dir = tmp_path / "batch" / run.run_id
    json_writer.write(run, run_dir)
    (run_dir / "checks.json").write_text(json.dumps(CHECKS), encoding="utf-8")
    (run_dir.parent / "breakpoint.json").write_text(json.dumps(BREAKPOINT), encoding="utf-8")
    extras = load_extras(run_dir, run)
    assert extras.checks is not None and extras.breakpoint is not None
    assert extras.breakpoint.usl is not None and extras.breakpoint.usl.knee_n == 21.8
    page = (write_run_report(run, run_dir, "en")).read_text(encoding="utf-8")
    checks = page[page.index('id="checks"') :]
    assert "1 passed, 1 failed, 0 other, of 2 checks." in checks
    assert "MASK-002" in checks and "Received: 13812345678" in checks
    assert "Reproduce with:" in checks and "curl -X GET" in checks
    assert 'id="breakpoint"' in page and "knee N*" in page and "60/s" in page
    zh = (run_dir / "report.zh-CN.html").read_text(encoding="utf-8")
    assert "复现请求" in zh and "手机号已脱敏" in zh


def test_breakpoint_of_another_vendor_in_the_batch_folder_is_not_shown(tmp_path: Path) -> None:
    run = make_run(saturating=True)
    run_dir = tmp_path / run.run_id
    run_dir.mkdir()
    (tmp_path / "breakpoint.json").write_text(json.dumps(BREAKPOINT), encoding="utf-8")
    assert load_extras(run_dir, run).breakpoint is None
    assert parse_breakpoint({"steps": "no"}) is None


@pytest.mark.parametrize("extras", [None, RunExtras()])
def test_without_optional_files_the_sections_are_absent(extras: RunExtras | None) -> None:
    page = render_run(make_run(), "en", extras=extras)
    for section in ('id="checks"', 'id="scoring"', 'id="breakpoint"'):
        assert section not in page
