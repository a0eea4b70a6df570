"""A run folder's files by name, and checks.json as types: decoded from
what the acceptance suite's own writer puts on disk, strict on the fields it knows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.atomic import write_text
from harness.checks.results import CheckResult, write_results
from harness.errors import ConfigError
from harness.results import checks_file
from harness.results.checks_file import CheckTotals
from harness.results.run_dir import SCORES, RunDir


def _results() -> list[CheckResult]:
    route = CheckResult("ROUTE-001", "routing", "veto", {"en": "Routes", "zh-CN": "路由"}, "a")
    route.outcome, route.measured = "passed", {"requests": 12, "accuracy": 1.0}
    mask = CheckResult("MASK-002", "masking", "major", {"en": "Masks", "zh-CN": "脱敏"}, "b")
    mask.outcome, mask.message = "failed", "phone shown\nsecond line"
    mask.reproduction = ["curl -X POST http://127.0.0.1:1/tickets", "curl http://127.0.0.1:1/t/1"]
    return [route, mask]


def test_checks_json_as_the_suite_writes_it_decodes_to_types(tmp_path: Path) -> None:
    meta = {"vendor": "sandbox", "title": {"en": "S", "zh-CN": "S"}, "adapter": "sandbox",
            "url": "http://127.0.0.1:1", "run_tag": "t", "operations": ["create"]}  # fmt: skip
    path = write_results(RunDir(tmp_path).checks, meta, _results())
    data = checks_file.read(path)
    assert data.vendor == "sandbox" and data.url == "http://127.0.0.1:1"
    assert data.totals == CheckTotals(passed=1, failed=1, skipped=0, error=0, veto_failed=0)
    assert data.pass_rate == 0.5
    route, mask = data.checks
    assert (route.id, route.outcome, route.requests, route.title["zh-CN"]) == (
        "ROUTE-001", "passed", 12, "路由",
    )  # fmt: skip
    assert mask.reproduction[0].startswith("curl -X POST") and mask.requests == 0


def test_a_wrong_type_names_the_field_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "checks.json"
    path.write_text(json.dumps({"checks": [{"id": "A", "severity": "veto", "title": {},
                                            "outcome": 3}]}), encoding="utf-8")  # fmt: skip
    with pytest.raises(
        ConfigError, match=r"checks.json: not a checks file: .*outcome: expected str"
    ):
        checks_file.read(path)


def test_fields_a_newer_suite_adds_are_passed_over() -> None:
    data = checks_file.decode({"vendor": "v", "new_top": 1, "checks": [
        {"id": "A", "severity": "minor", "title": {"en": "a"}, "outcome": "skipped", "new": 2}
    ]})  # fmt: skip
    assert [c.id for c in data.checks] == ["A"]


def test_beside_looks_in_the_run_folder_then_the_batch_folder(tmp_path: Path) -> None:
    run = RunDir(tmp_path / "batch" / "run-1")
    run.path.mkdir(parents=True)
    assert run.beside(SCORES) == []
    write_text(tmp_path / "batch" / SCORES, "{}\n")
    assert run.beside(SCORES) == [tmp_path / "batch" / SCORES]
    write_text(run.path / SCORES, "{}\n")
    assert run.beside(SCORES) == [run.path / SCORES, tmp_path / "batch" / SCORES]
