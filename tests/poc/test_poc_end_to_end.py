"""``csm-harness poc`` end to end on the CI twin of the demo plan (real subprocesses, the
embedded sandbox on loopback): one uninterrupted run, and one interrupted by SIGINT in the
middle of a stage and resumed, which must reach the same decision (issue 18)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

PLAN = Path(__file__).resolve().parent / "plans" / "ci.yaml"
ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSM_")}
    return {**env, "CSM_HARNESS_LANG": "en"}


def _poc(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness", "poc", str(PLAN), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_env(),
        start_new_session=True,
    )  # fmt: skip


def _finish(child: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str]:
    out, _ = child.communicate(timeout=timeout)
    return child.returncode, out


def _only_folder(out: Path) -> Path:
    (root,) = [p for p in out.iterdir() if p.is_dir() and p.name.endswith("-poc-ci")]
    return root


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("poc")
    code, text = _finish(_poc("--out", str(out), "--lang", "en"))
    assert code == 0, text
    return _only_folder(out)


def _decision(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "decision.json").read_text(encoding="utf-8"))
    return data


def _essence(decision: dict[str, Any]) -> dict[str, Any]:
    """What the decision is: the order, the scores, the vetoes and each stage's verdict."""
    return {
        "ranking": [(s["vendor"], s["total"], s["vetoed"], [v["id"] for v in s["vetoes_failed"]],
                     {d: info["score"] for d, info in s["dimensions"].items()})
                    for s in decision["ranking"]],
        "stages": {name: [(s["id"], s["state"], s["verdict"]) for s in v["stages"]]
                   for name, v in decision["vendors"].items()},
        "complete": decision["complete"],
    }  # fmt: skip


def test_the_plan_runs_end_to_end_into_one_folder(pack: Path) -> None:
    decision = _decision(pack)
    assert decision["complete"] is True
    for name in ("decision.html", "decision.en.html", "decision.xlsx", "scores.json", "plan.yaml"):
        assert (pack / name).is_file(), name
    stages = {n: {s["id"]: s for s in v["stages"]} for n, v in decision["vendors"].items()}
    solid, defective = stages["sandbox-solid"], stages["sandbox-defective"]
    assert solid["accept"]["verdict"] == "pass" and defective["accept"]["verdict"] == "fail"
    assert solid["peak"]["verdict"] == "pass"
    assert solid["capacity"]["verdict"] == "found"
    assert defective["capacity"]["verdict"] == "skipped"  # skip: [capacity] in the plan
    for vendor in stages.values():
        for stage in vendor.values():
            for evidence in stage["evidence"]:
                assert (pack / evidence["href"]).is_file(), evidence
    # the overrides reached the sandbox: only the two defects asked for
    failed = [c["id"] for c in defective["accept"]["checks"] if c["outcome"] == "failed"]
    assert failed == ["PII-001"]


def test_a_vetoed_vendor_ranks_last_whatever_its_score(pack: Path) -> None:
    ranking = _decision(pack)["ranking"]
    assert [s["vendor"] for s in ranking] == ["sandbox-solid", "sandbox-defective"]
    last = ranking[-1]
    assert last["vetoed"] and last["total"] > ranking[0]["total"]  # would win but for the veto
    assert [v["id"] for v in last["vetoes_failed"]] == ["pii-leak"]
    page = (pack / "decision.en.html").read_text(encoding="utf-8")
    assert 'data-veto="pii-leak"' in page and "Veto pii-leak failed:" in page
    assert last["vetoes_failed"][0]["why"]["en"] in page.replace("&#39;", "'").replace(
        "&quot;", '"'
    )
    zh = (pack / "decision.html").read_text(encoding="utf-8")
    assert "否决项 pii-leak 未通过" in zh


def test_sigint_mid_stage_then_resume_reaches_the_same_decision(pack: Path, tmp_path: Path) -> None:
    child = _poc("--out", str(tmp_path), "--lang", "en")
    deadline = time.monotonic() + 120
    metrics = None
    while time.monotonic() < deadline and child.poll() is None:
        found = list(tmp_path.glob("*-poc-ci/sandbox-solid/peak/metrics.ndjson"))
        if found and found[0].read_bytes().count(b"\n") >= 2:
            metrics = found[0]
            break
        time.sleep(0.1)
    assert metrics is not None, "the peak stage never started"
    child.send_signal(signal.SIGINT)  # to the csm-harness process only, mid-stage
    code, text = _finish(child)
    assert code == 130, text
    root = _only_folder(tmp_path)
    assert "--resume" in text
    assert (root / "sandbox-solid" / "accept" / "checks.json").is_file()  # kept

    code, text = _finish(_poc("--resume", str(root), "--lang", "en"))
    assert code == 0, text
    assert text.count("finished before: skipped") == 2  # both accept stages, by their files
    assert "unfinished before" in text  # the interrupted peak ran again
    assert list((root / "sandbox-solid" / ".incomplete").iterdir())
    assert _essence(_decision(root)) == _essence(_decision(pack))
