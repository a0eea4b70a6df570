"""Canary secrets and canary personal data never reach the run's output folder or its logs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from harness.sandbox import SandboxProcess
from tests.load.helpers import run_dirs

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

CANARY_TOKEN = "canaryTOKEN-7f3a9c2e51d84b06"
CANARY_HOOK_SECRET = "canaryHOOK-0b6e2d9a4c1f8e73"
CANARY_NAME = "金丝雀测试员"
CANARY_PHONE = "13912345678"
CANARY_EMAIL = "canary.pii@canary-mail.cn"
CANARY_ID = "11010519491231002X"
CANARIES = [CANARY_TOKEN, CANARY_HOOK_SECRET, CANARY_NAME, CANARY_PHONE, CANARY_EMAIL, CANARY_ID]


def _plant(tmp_path: Path, url: str) -> Path:
    """A replay schedule whose every customer is the canary, and a vendor whose token and
    webhook secret are canaries (token in a file, secret in the environment)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(ROOT / "fixtures" / "sample" / "schedule.parquet")
    frame = table.to_pandas()
    frame["customer_name"] = CANARY_NAME
    frame["phone"] = CANARY_PHONE
    frame["email"] = CANARY_EMAIL
    frame["description"] = frame["description"] + f" 我的身份证号 {CANARY_ID}，电话 {CANARY_PHONE}"
    planted = pa.Table.from_pandas(frame, preserve_index=False)
    planted = planted.replace_schema_metadata(table.schema.metadata)  # the schedule's metadata
    pq.write_table(planted, tmp_path / "canary.parquet")
    token = tmp_path / "canary.token"
    token.write_text(CANARY_TOKEN, encoding="utf-8")
    token.chmod(0o600)
    (tmp_path / "vendor.yaml").write_text(
        "name: canary\ntitle: {en: Canary, zh-CN: 金丝雀}\nadapter: sandbox\n"
        f"base_url: {url}\n"
        "auth: {kind: bearer, token_file: canary.token}\n"
        "webhooks: {supported: true, secret_env: CSM_CANARY_HOOK_SECRET}\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "canary.yaml"
    scenario.write_text(
        "name: canary\nvendors: [vendor.yaml]\n"
        "bounds: {max_duration: 40s, max_requests: 5000, request_timeout: 1500ms}\n"
        "traffic: {kind: synthetic, categories: {billing: 1}, channels: {web: 1}, "
        "priorities: {normal: 1}}\n"
        "load: {kind: replay, schedule: canary.parquet, duration: 5s, compress: 2880, "
        "skip: 8h, max_users: 30}\n"
        "probe: {mode: auto, poll_interval: 200ms, timeout: 8s}\n",
        encoding="utf-8",
    )
    return scenario


def test_no_canary_in_any_output_or_log(tmp_path: Path) -> None:
    # the faulty profile: error paths (5xx, broken bodies, resets) are where leaks hide
    with SandboxProcess("faulty", token=CANARY_TOKEN) as sandbox:
        scenario = _plant(tmp_path, sandbox.url)
        out = tmp_path / "out"
        env = {**os.environ, "CSM_HARNESS_LANG": "en", "CSM_CANARY_HOOK_SECRET": CANARY_HOOK_SECRET}
        done = subprocess.run(
            [sys.executable, "-m", "harness", "run", str(scenario), "--out", str(out)],
            cwd=tmp_path, capture_output=True, text=True, timeout=90, env=env,
        )  # fmt: skip
        dry = subprocess.run(
            [sys.executable, "-m", "harness", "run", str(scenario), "--dry-run", "--show", "5"],
            cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env,
        )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    assert dry.returncode == 0, dry.stderr
    assert "curl -X POST" in dry.stdout
    [run_dir] = run_dirs(out)
    assert (run_dir / "summary.json").exists()
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 8
    texts = {"stdout": done.stdout, "stderr": done.stderr,
             "dry-run stdout": dry.stdout, "dry-run stderr": dry.stderr}  # fmt: skip
    for path in files:
        if path.suffix == ".parquet":  # compressed: read the values themselves
            texts[str(path)] = pd.read_parquet(path).to_csv()
        else:
            texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    leaks = [(canary, where) for where, text in texts.items() for canary in CANARIES
             if canary in text]  # fmt: skip
    print(f"\ncanaries: {len(CANARIES)} planted, {len(texts)} files and logs scanned, "
          f"{len(leaks)} leaks")  # fmt: skip
    assert leaks == []
