"""``csm-harness accept``: exit codes, results folder, messages in both languages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harness.sandbox import SandboxProcess
from tests.fixtures.acceptance import VENDOR_YAML


def accept(tmp_path: Path, url: str, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    vendor = tmp_path / "vendor.yaml"
    vendor.write_text(VENDOR_YAML.format(url=url, webhooks="true"), encoding="utf-8")
    env = {**os.environ, "CSM_SANDBOX_TOKEN": token}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "accept",
            "--vendor",
            str(vendor),
            "--out",
            str(tmp_path / "reports"),
            *args,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_accept_writes_results_and_exits_1_when_a_check_fails(
    tmp_path: Path, acceptance_sandboxes: dict[str, SandboxProcess], sandbox_token: str
) -> None:
    done = accept(
        tmp_path,
        acceptance_sandboxes["drop_custom_field"].url,
        sandbox_token,
        "--check", "AUTH-001", "--check", "FIELD-001", "--lang", "zh-CN",
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "AUTH-001   否决  通过" in done.stdout
    assert "FIELD-001  否决  未通过" in done.stdout
    assert "field custom_fields.refund_amount" in done.stdout
    assert "至少一项验收检查未通过" in done.stderr  # the "Error:" prefix follows the locale
    (folder,) = (tmp_path / "reports").iterdir()
    data = json.loads((folder / "checks.json").read_text(encoding="utf-8"))
    assert [(c["id"], c["outcome"]) for c in data["checks"]] == [
        ("AUTH-001", "passed"),
        ("FIELD-001", "failed"),
    ]
    assert 'name="check_id" value="FIELD-001"' in (folder / "junit.xml").read_text("utf-8")


def test_accept_unknown_check_is_a_usage_error(
    tmp_path: Path, acceptance_sandboxes: dict[str, SandboxProcess], sandbox_token: str
) -> None:
    done = accept(tmp_path, acceptance_sandboxes["solid"].url, sandbox_token,
                  "--check", "NOPE-999", "--lang", "en")  # fmt: skip
    assert done.returncode == 2
    assert "Error: no check matched --check NOPE-999" in done.stderr
