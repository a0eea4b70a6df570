"""RunSummary / Comparison: JSON round trip, strict decoding, and summary.json on disk."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.errors import ConfigError
from harness.report.compare import Comparison
from harness.results import summary_json as json_writer
from harness.results.model import SCHEMA_VERSION, RunSummary, SchemaError
from tests.report import make_run


@pytest.mark.parametrize("saturating", [False, True], ids=["solid", "saturating"])
def test_run_summary_round_trips_through_json(saturating: bool) -> None:
    run = make_run(saturating)
    text = json.dumps(run.to_dict(), ensure_ascii=False, allow_nan=False)
    assert RunSummary.from_dict(json.loads(text)) == run


def test_comparison_round_trips_through_json() -> None:
    comparison = Comparison.build([make_run(True), make_run()], created_at="2026-11-11T01:00:00Z")
    text = json.dumps(comparison.to_dict(), ensure_ascii=False, allow_nan=False)
    assert Comparison.from_dict(json.loads(text)) == comparison


def test_none_statistics_survive_the_round_trip() -> None:
    run = make_run()
    empty = dataclasses.replace(
        run.metrics["routing_latency"], count=0, min_ms=None, p95_ms=None, p99_ms=None
    )
    run = dataclasses.replace(run, metrics={**run.metrics, "routing_latency": empty})
    decoded = RunSummary.from_dict(json.loads(json.dumps(run.to_dict())))
    assert decoded.metrics["routing_latency"].p95_ms is None
    assert decoded.stat("routing_latency", "p95_ms") is None


def test_integer_json_numbers_decode_as_floats() -> None:
    data = make_run().to_dict()
    data["duration_s"] = 120
    assert RunSummary.from_dict(data).duration_s == 120.0
    assert isinstance(RunSummary.from_dict(data).duration_s, float)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("verdict"), "RunSummary.verdict: field required"),
        (lambda d: d.update(verdikt="pass"), "RunSummary: unknown field(s) verdikt"),
        (lambda d: d.update(verdict="ok"), "RunSummary.verdict: 'ok' is not one of 'pass', 'fail'"),
        (lambda d: d.update(complete="yes"), "RunSummary.complete: expected bool, got str 'yes'"),
        (lambda d: d.update(duration_s=True), "RunSummary.duration_s: expected float, got bool"),
        (lambda d: d["timeline"][3].update(requests=1.5), "RunSummary.timeline[3].requests"),
        (
            lambda d: d["metrics"]["errors"].update(kind="gauge"),
            "RunSummary.metrics.errors.kind: 'gauge' is not one of",
        ),
        (lambda d: d.update(notes={}), "RunSummary.notes: expected a list, got dict"),
        (lambda d: d.update(vendor="acme"), "RunSummary.vendor: expected an object, got str"),
    ],
    ids=["missing", "unknown", "literal", "bool", "bool-as-float", "nested", "dict", "list", "obj"],
)
def test_from_dict_names_the_field_that_is_wrong(
    change: Callable[[dict[str, Any]], object], message: str
) -> None:
    data = json.loads(json.dumps(make_run().to_dict()))
    change(data)
    with pytest.raises(SchemaError) as info:
        RunSummary.from_dict(data)
    assert message in str(info.value)


def test_a_newer_schema_is_refused_with_the_version_it_needs() -> None:
    data = make_run().to_dict()
    data["schema_version"] = SCHEMA_VERSION + 1
    data["a_field_from_the_future"] = 1
    with pytest.raises(SchemaError, match=r"schema_version 2 .* newer csm-harness.*Upgrade"):
        RunSummary.from_dict(data)


def test_json_writer_writes_readable_utf8_and_reads_it_back(tmp_path: Path) -> None:
    run = make_run(saturating=True)
    path = json_writer.write(run, tmp_path / "run")
    assert path == tmp_path / "run" / "summary.json"
    text = path.read_text(encoding="utf-8")
    assert "沙箱（易饱和）" in text  # ensure_ascii=False: Chinese stays readable
    assert text.startswith('{\n  "run_id"')  # indent=2
    assert json_writer.read(path) == run
    assert [p.name for p in path.parent.iterdir()] == ["summary.json"]  # no partial file left


def test_json_writer_refuses_nan(tmp_path: Path) -> None:
    run = dataclasses.replace(make_run(), duration_s=float("nan"))
    with pytest.raises(ValueError, match="not JSON compliant"):
        json_writer.write(run, tmp_path)
    assert not (tmp_path / "summary.json").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b"{not json", "not a JSON summary"),
        (b"\xff\xfe", "not a JSON summary"),
        (b'{"run_id": "x"}', "RunSummary.scenario: field required"),
    ],
    ids=["missing", "syntax", "encoding", "schema"],
)
def test_json_reader_errors_name_the_file(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "summary.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError) as info:
        json_writer.read(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_all_public_names_are_exported() -> None:
    import harness.report

    for name in harness.report.__all__:
        assert getattr(harness.report, name) is not None, name
    assert sorted(harness.report.__all__) == harness.report.__all__
