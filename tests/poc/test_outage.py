"""A vendor outage during a POC: the other vendors go on, the command exits 3 with the resume
command, and once the vendor is back ``--resume`` runs only what it missed (issue 18).

The "vendor" is a real sandbox process on a loopback port: absent during the first pass,
started before the resume."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.poc.pack_checks import (
    assert_html_agrees_with_json,
    assert_page_loads_cleanly,
    assert_xlsx_agrees_with_json,
)
from tests.report.browser import find_chromium

ROOT = Path(__file__).resolve().parents[2]
SOLID = ROOT / "scenarios" / "vendors" / "sandbox-solid.yaml"
TOKEN = "outage-test-token"
CHROMIUM = find_chromium()

PLAN = """\
name: outage
bounds: {{max_time: 5m, max_requests: 5000}}
vendors:
  - vendor: {solid}
  - vendor: acme-down.yaml
stages:
  - {{id: accept, kind: accept, checks: [AUTH-001], estimate: 10s}}
scoring:
  name: outage
  dimensions:
    capability:
      weight: 100
      criteria:
        - id: acceptance
          title: {{en: Checks passed, zh-CN: 检查通过率}}
          measure: checks.pass_rate
          weight: 100
          curve: {{kind: linear, target: 100%, limit: 0%}}
"""

VENDOR = """\
name: acme-down
title: {{en: "Acme (down at first)", zh-CN: "Acme（起初不可用）"}}
adapter: sandbox
base_url: http://127.0.0.1:{port}
auth: {{kind: bearer, token_env: CSM_SANDBOX_TOKEN}}
queues: {{billing: billing, refunds: refunds}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSM_")}
    return {**env, "CSM_HARNESS_LANG": "en", "CSM_SANDBOX_TOKEN": TOKEN}


def _poc(plan: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "poc", str(plan), "--lang", "en", *args],
        cwd=ROOT, capture_output=True, text=True, env=_env(), timeout=180,
    )  # fmt: skip


def test_an_unreachable_vendor_exits_3_and_resume_runs_what_it_missed(tmp_path: Path) -> None:
    port = _free_port()
    (tmp_path / "acme-down.yaml").write_text(VENDOR.format(port=port), encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.format(solid=SOLID), encoding="utf-8")

    first = _poc(plan, "--out", str(tmp_path / "out"))
    assert first.returncode == 3, first.stdout + first.stderr
    assert "Traceback" not in first.stdout + first.stderr
    assert "acme-down could not be measured" in first.stderr
    assert f"127.0.0.1:{port}" in first.stderr  # which address, so the user can check it
    (root,) = (tmp_path / "out").iterdir()
    assert f"--resume {root}" in first.stderr
    decision = json.loads((root / "decision.json").read_text(encoding="utf-8"))
    assert decision["complete"] is False
    verdicts = {n: v["stages"][0]["verdict"] for n, v in decision["vendors"].items()}
    assert verdicts == {"sandbox-solid": "pass", "acme-down": "incomplete"}
    _assert_not_ranked(root, first.stdout)

    with subprocess.Popen(
        [sys.executable, "-m", "harness", "sandbox", "--port", str(port), "--max-lifetime", "120"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env(),
        start_new_session=True,
    ) as sandbox:  # fmt: skip
        try:
            assert sandbox.stdout is not None
            assert json.loads(sandbox.stdout.readline())["url"] == f"http://127.0.0.1:{port}"
            again = _poc(plan, "--resume", str(root))
        finally:
            os.killpg(sandbox.pid, signal.SIGTERM)  # the process group this test started
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("finished before: skipped") == 1  # sandbox-solid, by its files
    assert "acme-down · unfinished before" in again.stdout.replace("\n", " ")
    decision = json.loads((root / "decision.json").read_text(encoding="utf-8"))
    assert decision["complete"] is True
    assert [s["vendor"] for s in decision["ranking"]] == ["acme-down", "sandbox-solid"]
    assert decision["not_ranked"] == []
    assert {n: v["stages"][0]["verdict"] for n, v in decision["vendors"].items()} == {
        "sandbox-solid": "pass",
        "acme-down": "pass",
    }


def _assert_not_ranked(root: Path, stdout: str) -> None:
    """acme-down, none of whose stages finished, is shown as not measured, not ranked: no rank
    and no score anywhere (0.00 would read as a measured failure)."""
    decision = json.loads((root / "decision.json").read_text(encoding="utf-8"))
    assert [(s["rank"], s["vendor"]) for s in decision["ranking"]] == [(1, "sandbox-solid")]
    (unranked,) = decision["not_ranked"]
    assert unranked["vendor"] == "acme-down" and unranked["measured"] is False
    assert unranked["why"]["en"] == (
        "Acme (down at first): not measured, so not ranked: none of its stages finished "
        "(accept: incomplete); resume the POC once the vendor is reachable."
    )
    assert "未测得，不参与排名" in unranked["why"]["zh-CN"]
    assert decision["vendors"]["acme-down"]["measured"] is False
    assert decision["vendors"]["acme-down"]["lines"] == []
    scores = json.loads((root / "scores.json").read_text(encoding="utf-8"))
    assert [card["vendor"] for card in scores["cards"]] == ["sandbox-solid"]
    flat = " ".join(stdout.split())  # the console wraps long lines
    assert "1. Sandbox (solid) 100.00" in flat and f"— {unranked['why']['en']}" in flat
    assert "0.00" not in flat.replace("100.00", "")
    page = (root / "decision.en.html").read_text(encoding="utf-8")
    assert 'data-vendor="acme-down" data-not-ranked="true"' in page
    assert "not measured: not ranked" in page
    assert "未测得：不参与排名" in (root / "decision.html").read_text(encoding="utf-8")
    for name in ("decision.html", "decision.en.html"):
        assert_html_agrees_with_json(root, name)
    assert_xlsx_agrees_with_json(root, runs=False)  # Summary: no rank, no score for acme-down
    if CHROMIUM is not None:
        with tempfile.TemporaryDirectory() as shots:
            assert_page_loads_cleanly(CHROMIUM, root, "decision.en.html", Path(shots) / "p.png")
