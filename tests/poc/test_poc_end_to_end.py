"""``csm-harness poc`` end to end on the demo plan itself, ``scenarios/poc/demo.yaml`` (real
subprocesses, the embedded sandboxes on loopback). Two POCs run side by side to keep CI short:
one uninterrupted, one interrupted by SIGINT in the middle of a stage and resumed, which must
reach the same decision. The uninterrupted one's decision pack is then checked file against
file and in headless Chromium (issue 18)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.poc.pack_checks import (
    assert_html_agrees_with_json,
    assert_page_loads_cleanly,
    assert_xlsx_agrees_with_json,
    decision_of,
)
from tests.report.browser import find_chromium

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "scenarios" / "poc" / "demo.yaml"
CHROMIUM = find_chromium()
REQUIRED = os.environ.get("CSM_REQUIRE_BROWSER") == "1"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSM_")}
    return {**env, "CSM_HARNESS_LANG": "en"}


@dataclass
class _Poc:
    child: subprocess.Popen[bytes]
    log: Path

    def finish(self, timeout: float = 600) -> tuple[int, str]:
        code = self.child.wait(timeout=timeout)
        return code, self.log.read_text(encoding="utf-8")


def _poc(log: Path, *args: str) -> _Poc:
    with log.open("wb") as sink:  # a file, not a pipe: nobody reads while both run
        child = subprocess.Popen(
            [sys.executable, "-m", "harness", "poc", str(PLAN), "--lang", "en", *args],
            cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, env=_env(), start_new_session=True,
        )  # fmt: skip
    return _Poc(child, log)


def _only_folder(out: Path) -> Path:
    (root,) = [p for p in out.iterdir() if p.is_dir() and p.name.endswith("-poc-demo")]
    return root


@dataclass(frozen=True)
class Runs:
    pack: Path  # the uninterrupted POC folder
    pack_text: str
    stopped_code: int
    stopped_text: str
    resumed: Path
    resumed_code: int
    resumed_text: str


def _stop_mid_peak(cut: _Poc, out: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and cut.child.poll() is None:
        found = list(out.glob("*-poc-demo/sandbox-solid/peak/metrics.ndjson"))
        if found and found[0].read_bytes().count(b"\n") >= 1:
            cut.child.send_signal(signal.SIGINT)  # to the csm-harness process only, mid-stage
            return
        time.sleep(0.1)
    raise AssertionError(f"the peak stage never started:\n{cut.log.read_text(encoding='utf-8')}")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    base = tmp_path_factory.mktemp("poc")
    whole_out, cut_out = base / "whole", base / "cut"
    started: list[_Poc] = []
    try:
        started.append(whole := _poc(base / "whole.log", "--out", str(whole_out)))
        started.append(cut := _poc(base / "cut.log", "--out", str(cut_out)))
        _stop_mid_peak(cut, cut_out)
        stopped_code, stopped_text = cut.finish()
        resumed_root = _only_folder(cut_out)
        started.append(again := _poc(base / "resume.log", "--resume", str(resumed_root)))
        resumed_code, resumed_text = again.finish()
        code, text = whole.finish()
        assert code == 0, text
        yield Runs(_only_folder(whole_out), text, stopped_code, stopped_text,
                   resumed_root, resumed_code, resumed_text)  # fmt: skip
    finally:
        for poc in started:
            if poc.child.poll() is None:
                os.killpg(poc.child.pid, signal.SIGKILL)  # its own session: only what we started
                poc.child.wait()


def _essence(decision: dict[str, Any]) -> dict[str, Any]:
    """What the decision is: the order, the vetoes, each stage's verdict and the scores of the
    manual dimensions. The capability scores are measured (latency at peak, how many search
    steps fit in the time ceiling on a busy machine), so they differ from run to run."""
    return {
        "ranking": [(s["vendor"], s["vetoed"], [v["id"] for v in s["vetoes_failed"]],
                     {d: info["score"] for d, info in s["dimensions"].items() if d != "capability"})
                    for s in decision["ranking"]],
        "stages": {name: [(s["id"], s["state"], s["verdict"]) for s in v["stages"]]
                   for name, v in decision["vendors"].items()},
        "complete": decision["complete"],
    }  # fmt: skip


def test_the_plan_runs_end_to_end_into_one_folder(runs: Runs) -> None:
    pack = runs.pack
    decision = decision_of(pack)
    assert decision["complete"] is True
    for name in ("decision.html", "decision.en.html", "decision.xlsx", "scores.json", "plan.yaml"):
        assert (pack / name).is_file(), name
    stages = {n: {s["id"]: s for s in v["stages"]} for n, v in decision["vendors"].items()}
    assert list(stages) == ["sandbox-solid", "sandbox-saturating", "sandbox-defective"]
    solid, saturating, defective = stages.values()
    assert solid["accept"]["verdict"] == "pass" and defective["accept"]["verdict"] == "fail"
    assert solid["peak"]["verdict"] == "pass"
    for searched in (solid, saturating):  # at least the first step, whatever the machine's load
        assert searched["capacity"]["verdict"] == "found"
        assert searched["capacity"]["numbers"]["breakpoint_per_s"] >= 2
    assert saturating["capacity"]["numbers"]["breakpoint_per_s"] < 8  # it never holds the ceiling
    assert defective["capacity"]["verdict"] == "skipped"  # skip: [capacity] in the plan
    for vendor in stages.values():
        for stage in vendor.values():
            for evidence in stage["evidence"]:
                assert (pack / evidence["href"]).is_file(), evidence
    # the override reached the sandbox: only the one defect asked for
    checks = {c["id"]: c for c in defective["accept"]["checks"]}
    assert [i for i, c in checks.items() if c["outcome"] == "failed"] == ["PII-001"]
    reproduction = checks["PII-001"]["reproduction"]
    assert reproduction.startswith("curl ") and "-X GET" in reproduction
    assert "-X GET" in (pack / "decision.en.html").read_text(encoding="utf-8")


def test_one_progress_view_with_time_left(runs: Runs) -> None:
    lines = runs.pack_text.splitlines()
    starts = [ln for ln in lines if "· starting ·" in ln]
    kinds = ["accept (accept)", "peak (run)", "capacity (breakpoint)"]
    vendors = ["sandbox-solid", "sandbox-saturating", "sandbox-defective"]
    expected = [(k, v) for v in vendors for k in kinds][:-1]  # vendor by vendor, one skip
    assert [tuple(ln.split(" · ")[:2]) for ln in starts] == [
        (f"[{i}/8] {kind}", vendor) for i, (kind, vendor) in enumerate(expected, start=1)
    ]
    assert all("left (estimate)" in ln for ln in starts)
    assert "[1/8] accept (accept) · sandbox-solid · starting · ~1m47s left" in runs.pack_text
    assert "tickets created" in runs.pack_text  # what the running stage is doing
    # the acceptance suite's own report is in the stage's log, not in the progress view
    assert "csm-harness acceptance" not in runs.pack_text
    log = runs.pack / "sandbox-defective" / "accept" / "accept.log"
    assert "PII-001" in log.read_text(encoding="utf-8")


def test_a_vetoed_vendor_ranks_last_whatever_its_score(runs: Runs) -> None:
    ranking = decision_of(runs.pack)["ranking"]
    assert [s["vendor"] for s in ranking] == [
        "sandbox-solid", "sandbox-saturating", "sandbox-defective",
    ]  # fmt: skip
    last = ranking[-1]
    assert last["vetoed"] and last["total"] > ranking[1]["total"]  # above it but for the veto
    assert [v["id"] for v in last["vetoes_failed"]] == ["pii-leak"]
    page = (runs.pack / "decision.en.html").read_text(encoding="utf-8")
    assert 'data-veto="pii-leak"' in page and "Veto pii-leak failed:" in page
    unescaped = page.replace("&#39;", "'").replace("&quot;", '"')
    assert last["vetoes_failed"][0]["why"]["en"] in unescaped
    zh = (runs.pack / "decision.html").read_text(encoding="utf-8")
    assert "否决项 pii-leak 未通过" in zh


def test_sigint_mid_stage_then_resume_reaches_the_same_decision(runs: Runs) -> None:
    assert runs.stopped_code == 130, runs.stopped_text
    assert "--resume" in runs.stopped_text
    root = runs.resumed
    assert (root / "sandbox-solid" / "accept" / "checks.json").is_file()  # kept
    assert runs.resumed_code == 0, runs.resumed_text
    assert runs.resumed_text.count("finished before: skipped") == 1  # the accept, by files
    assert "unfinished before" in runs.resumed_text  # the interrupted peak ran again
    assert list((root / "sandbox-solid" / ".incomplete").iterdir())
    assert _essence(decision_of(root)) == _essence(decision_of(runs.pack))


@pytest.mark.parametrize("page", ["decision.html", "decision.en.html"])
def test_html_and_json_agree(runs: Runs, page: str) -> None:
    assert_html_agrees_with_json(runs.pack, page)


def test_xlsx_and_json_agree(runs: Runs) -> None:
    assert_xlsx_agrees_with_json(runs.pack)


@pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED,
    reason="no chromium on PATH (apt-get install chromium); CI sets CSM_REQUIRE_BROWSER=1",
)
@pytest.mark.parametrize("page", ["decision.html", "decision.en.html"])
def test_decision_page_in_headless_chromium(runs: Runs, page: str, tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.fail("CSM_REQUIRE_BROWSER=1 but no chromium on PATH: apt-get install chromium")
    assert_page_loads_cleanly(CHROMIUM, runs.pack, page, tmp_path / "decision.png")
