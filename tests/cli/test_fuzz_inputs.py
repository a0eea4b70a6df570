"""Bad input everywhere: generated scenario and vendor YAML, threshold expressions, column maps
and exports. Every input ends in exit 0 (it was valid) or a clear error with exit 2; never a
traceback. Each test prints how many inputs it tried and how many tracebacks it saw."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.config.thresholds import ThresholdError, parse_threshold
from harness.metrics.catalog import METRICS
from tests.cli.fuzzing import Tally, dump, invoke, mutate, paths_of, yaml_values

ROOT = Path(__file__).resolve().parents[2]


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same inputs in every CI run
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


SCENARIO: dict[str, Any] = {
    "name": "fuzz",
    "vendors": [str(ROOT / "scenarios" / "vendors" / "sandbox-solid.yaml")],
    "bounds": {"max_duration": "1m", "max_requests": 2000, "request_timeout": "5s"},
    "traffic": {"kind": "synthetic", "seed": 2, "categories": {"billing": 1},
                "channels": {"web": 1}, "priorities": {"normal": 1}},
    "load": {"kind": "arrival-rate", "rate": "5/s", "duration": "4s", "max_users": 10},
    "probe": {"mode": "auto", "poll_interval": "200ms", "timeout": "20s"},
    "thresholds": {"routing_latency": ["p95 < 30s"], "errors": ["rate < 1%"]},
}  # fmt: skip
VENDOR: dict[str, Any] = {
    "name": "fuzz-vendor",
    "title": {"en": "Fuzz", "zh-CN": "模糊"},
    "adapter": "sandbox",
    "base_url": "http://127.0.0.1:9/api",
    "auth": {"kind": "bearer", "token_env": "CSM_FUZZ_TOKEN"},
    "webhooks": {"supported": True, "secret_env": "CSM_FUZZ_SECRET"},
}
ACTIONS = st.sampled_from(["replace", "replace", "delete", "add"])


def _report(tally: Tally, what: str) -> None:
    print("\n" + tally.line(what))
    assert not tally.tracebacks, "\n\n".join(tally.tracebacks[:3])
    assert not tally.unclear, "\n\n".join(tally.unclear[:3])
    assert set(tally.codes) <= {0, 2}, tally.codes


def test_scenario_yaml(tmp_path: Path) -> None:
    tally = Tally()
    path = tmp_path / "scenario.yaml"

    @fuzz(60)
    @given(st.sampled_from(paths_of(SCENARIO)), ACTIONS, yaml_values)
    def one(where: tuple[Any, ...], action: str, value: Any) -> None:
        path.write_text(dump(mutate(SCENARIO, where, action, value)), encoding="utf-8")
        code, output = invoke("run", str(path), "--explain")
        tally.record(code, output, f"{action} {where} = {value!r}")

    @fuzz(25)
    @given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
    def raw(text: str) -> None:
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        code, output = invoke("run", str(path), "--explain")
        tally.record(code, output, f"raw {text!r}")

    one()
    raw()
    for args in (["run", str(tmp_path / "missing.yaml")], ["run", str(tmp_path)], ["run"]):
        tally.record(*invoke(*args), " ".join(args))
    _report(tally, "scenario YAML")


def test_vendor_yaml(tmp_path: Path) -> None:
    tally = Tally()
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(dump({**SCENARIO, "vendors": ["vendor.yaml"]}), encoding="utf-8")
    vendor = tmp_path / "vendor.yaml"

    @fuzz(50)
    @given(st.sampled_from(paths_of(VENDOR)), ACTIONS, yaml_values)
    def one(where: tuple[Any, ...], action: str, value: Any) -> None:
        vendor.write_text(dump(mutate(VENDOR, where, action, value)), encoding="utf-8")
        code, output = invoke("run", str(scenario), "--dry-run", "--show", "1")
        tally.record(code, output, f"{action} {where} = {value!r}")

    one()
    _report(tally, "vendor YAML")


_THRESHOLD_CHARS = "p0123456789.,<>=! %msavgminaxratecount-_e"


def test_threshold_expressions(tmp_path: Path) -> None:
    tally = Tally()
    metrics = sorted(METRICS)

    @fuzz(400)
    @given(st.sampled_from(metrics), st.text(_THRESHOLD_CHARS, max_size=16) | st.text(max_size=16))
    def parsed(metric: str, source: str) -> None:
        tally.tried += 1
        try:
            parse_threshold(metric, source)
            tally.codes[0] += 1
        except ThresholdError as exc:
            tally.codes[2] += 1
            assert str(exc), "an empty message"
        except Exception as exc:  # anything else is a bug
            tally.tracebacks.append(f"{metric}: {source!r}: {exc!r}")

    path = tmp_path / "scenario.yaml"

    @fuzz(25)
    @given(st.sampled_from(metrics), st.text(_THRESHOLD_CHARS, max_size=16))
    def through_cli(metric: str, source: str) -> None:
        path.write_text(dump({**SCENARIO, "thresholds": {metric: [source]}}), encoding="utf-8")
        code, output = invoke("run", str(path), "--explain")
        tally.record(code, output, f"{metric}: {source!r}")

    parsed()
    through_cli()
    _report(tally, "threshold expressions")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.data.exports import build, write_csv

    return write_csv(tmp_path_factory.mktemp("export") / "export.csv", build(n=12, seed=8))


KEY = {"CSM_PSEUDONYM_KEY": "ab" * 32}


def test_column_maps(tmp_path: Path, export: Path) -> None:
    tally = Tally()
    base = yaml.safe_load((ROOT / "fixtures" / "maps" / "helpdesk-zh.yaml").read_text("utf-8"))
    path = tmp_path / "map.yaml"

    @fuzz(30)
    @given(st.sampled_from(paths_of(base)), ACTIONS, yaml_values)
    def one(where: tuple[Any, ...], action: str, value: Any) -> None:
        path.write_text(dump(mutate(base, where, action, value)), encoding="utf-8")
        out = tmp_path / "out.parquet"
        args = [
            "anonymise",
            str(export),
            "--map",
            str(path),
            "--out",
            str(out),
            "--jobs",
            "1",
            "--accept-rejects",
        ]  # 12 rows: a mutation can reject more than 20 % (exit 1)
        code, output = invoke(*args, env=KEY)
        tally.record(code, output, f"{action} {where} = {value!r}")

    one()
    _report(tally, "column maps")


def test_exports(tmp_path: Path, export: Path) -> None:
    tally = Tally()
    lines = export.read_text(encoding="utf-8-sig").splitlines()
    map_path = str(ROOT / "fixtures" / "maps" / "helpdesk-zh.yaml")
    path = tmp_path / "export.csv"

    @fuzz(30)
    @given(
        st.integers(0, len(lines) - 1),
        st.sampled_from(["replace", "cut", "junk", "bytes"]),
        st.text(max_size=40),
        st.binary(max_size=40),
    )
    def one(row: int, action: str, text: str, junk: bytes) -> None:
        edited = list(lines)
        if action == "replace":
            edited[row] = text
        elif action == "cut":
            edited = edited[:row]
        elif action == "junk":
            edited[row] = re.sub(",", text.replace("\n", " ") or ",,", edited[row], count=2)
        data = "\n".join(edited).encode("utf-8")
        if action == "bytes":
            data = data[: len(data) // 2] + junk
        path.write_bytes(data)
        out = tmp_path / "out.parquet"
        args = ["anonymise", str(path), "--map", map_path, "--out", str(out), "--jobs", "1",
                "--accept-rejects"]  # fmt: skip
        code, output = invoke(*args, env=KEY)
        tally.record(code, output, f"{action} row {row}: {text!r} {junk!r}")

    one()
    _report(tally, "exports")
