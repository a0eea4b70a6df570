"""A vendor with a preconfigured webhook URL: the receiver listens where it was told
(--webhook-listen), nothing is registered, and base_url comes from an env var (issue 13)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import httpx
import pytest

from harness.sandbox.server import SandboxProcess
from tests.load.helpers import SCENARIOS, csm_harness, records, run_dirs, summary

pytestmark = pytest.mark.slow
TOKEN = "preconfigured-test-token"
SECRET = "preconfigured-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_preconfigured_webhook_on_a_fixed_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _free_port()
    with SandboxProcess("solid", token=TOKEN) as sandbox:
        # what the vendor's admin did by hand: point the vendor at the harness's receiver
        answer = httpx.post(
            f"{sandbox.url}/api/v1/webhooks",
            json={"url": f"http://127.0.0.1:{port}/webhooks", "secret": SECRET},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert answer.status_code in (200, 201), answer.text
        monkeypatch.setenv("CSM_SANDBOX_TOKEN", TOKEN)
        monkeypatch.setenv("CSM_TEST_VENDOR_URL", str(sandbox.url))
        monkeypatch.setenv("CSM_TEST_WEBHOOK_SECRET", SECRET)
        done = csm_harness(
            "run", str(SCENARIOS / "preconfigured.yaml"), "--out", str(tmp_path),
            "--webhook-listen", f"127.0.0.1:{port}", cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (run_dir,) = run_dirs(tmp_path)
    data = summary(run_dir)
    assert data["probe"]["mode"] == "webhook"
    assert data["probe"]["webhook_mode"] == "preconfigured"
    assert data["metrics"]["setup_requests"]["count"] == 0  # nothing registered
    routed = [r for r in records(run_dir) if r["outcome"] == "routed"]
    assert routed and all(r["observed_by"] == "webhook" for r in routed)


def test_missing_env_base_url_is_a_config_error_before_any_run_folder(tmp_path: Path) -> None:
    env_backup = os.environ.pop("CSM_TEST_VENDOR_URL", None)
    try:
        done = csm_harness(
            "run", str(SCENARIOS / "preconfigured.yaml"), "--out", str(tmp_path),
            "--webhook-listen", "127.0.0.1:1", cwd=tmp_path,
        )  # fmt: skip
    finally:
        if env_backup is not None:
            os.environ["CSM_TEST_VENDOR_URL"] = env_backup
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "CSM_TEST_VENDOR_URL" in output and "base_url" in output, output
    assert "Traceback" not in output
    assert not any(tmp_path.iterdir()), list(tmp_path.rglob("*"))
