"""A configuration error (a secret the run needs is not set) is reported before any run folder
exists: exit 2, one message naming the file, field and variable, nothing written (issue 13)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.load.helpers import csm_harness

_VENDOR = """\
name: needs-token
title: {en: "Needs a token", zh-CN: "需要令牌"}
adapter: sandbox
base_url: http://127.0.0.1:9/
auth: {kind: bearer, token_env: CSM_TEST13_UNSET_TOKEN}
webhooks: {supported: false}
"""

_SCENARIO = """\
name: cfgerr
vendors: [vendor.yaml]
bounds: {max_duration: 30s, max_requests: 200}
traffic:
  {kind: synthetic, seed: 2, categories: {billing: 1}, channels: {web: 1}, priorities: {normal: 1}}
load: {kind: arrival-rate, rate: 2/s, duration: 2s, max_users: 4, arrivals: uniform}
probe: {mode: polling, poll_interval: 200ms, timeout: 5s}
breakpoint: {start: 1/s, max_rate: 2/s, max_time: 1m, step_duration: 10s, warm_up: 2s}
"""


@pytest.mark.parametrize("command", ["run", "breakpoint"])
def test_a_missing_secret_stops_before_any_run_folder(tmp_path: Path, command: str) -> None:
    assert "CSM_TEST13_UNSET_TOKEN" not in os.environ
    (tmp_path / "vendor.yaml").write_text(_VENDOR, encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text(_SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    done = csm_harness(command, "scenario.yaml", "--out", str(out), cwd=tmp_path, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "vendor.yaml: auth.token_env: environment variable CSM_TEST13_UNSET_TOKEN is not set"
        in done.stderr
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))
