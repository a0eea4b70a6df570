"""A run whose load process is really pinned at 100 % of its core ends marked "generator
saturated", in summary.json and once on the console (issue 13, acceptance 3; beside an external
CPU burner it is not: tests/load/test_busy_machine.py). On a full machine such a process gets
less than its core but wants all of it, and counts as saturated too (harness.metrics.runnable).

The load process is saturated from inside, the way a heavy third-party adapter would: an adapter
registered through the ``csm_harness.vendors`` entry point (a package on PYTHONPATH) that spins
the CPU for 60 ms of its own process time before each create, bounded per call. At 25 creates a
second that is 1.5 cores of work for a process that has one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.load.helpers import run_dirs, summary

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

_ADAPTER = '''
import time

from harness.vendors.sandbox import SandboxAdapter


class HogAdapter(SandboxAdapter):
    """The sandbox's API, with 60 ms of CPU spent in this process before each create."""

    def create_ticket(self, ticket):
        start, deadline = time.thread_time(), time.monotonic() + 0.5
        while time.thread_time() - start < 0.06 and time.monotonic() < deadline:
            pass
        return super().create_ticket(ticket)
'''


def _install_hog(site: Path) -> None:
    (site / "cpuhog_csm.py").write_text(textwrap.dedent(_ADAPTER), encoding="utf-8")
    info = site / "cpuhog_csm-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cpuhog_csm\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[csm_harness.vendors]\ncpuhog = cpuhog_csm:HogAdapter\n", encoding="utf-8"
    )


def _scenario(folder: Path) -> Path:
    vendor = folder / "hog.yaml"
    vendor.write_text(
        "name: hog\ntitle: {en: CPU hog, zh-CN: 占用 CPU}\nadapter: cpuhog\nbase_url: embedded\n"
        "sandbox: {profile: solid}\nauth: {kind: bearer, token_env: CSM_SANDBOX_TOKEN}\n"
        "webhooks: {supported: false}\n",
        encoding="utf-8",
    )
    scenario = folder / "hog-run.yaml"
    scenario.write_text(
        f"name: hog-run\nvendors: [{vendor}]\nbounds: {{max_duration: 1m, max_requests: 5000}}\n"
        "traffic: {kind: synthetic, seed: 3, categories: {billing: 1}, channels: {web: 1}, "
        "priorities: {normal: 1}}\n"
        "load: {kind: arrival-rate, rate: 25/s, duration: 8s, max_users: 50, arrivals: uniform}\n"
        "probe: {mode: polling, timeout: 20s}\n",
        encoding="utf-8",
    )
    return scenario


def test_a_load_process_pinned_at_its_core_is_generator_saturated(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install_hog(site)
    scenario = _scenario(tmp_path)
    path = os.pathsep.join([str(site), str(ROOT), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "harness", "run", str(scenario), "--out", str(tmp_path / "out")],
        cwd=tmp_path, capture_output=True, text=True, timeout=240,
        env={**os.environ, "CSM_HARNESS_LANG": "en", "PYTHONPATH": path},
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    [run_dir] = run_dirs(tmp_path / "out")
    generator = summary(run_dir)["generator"]
    assert generator["reliable"] is False, generator
    assert generator["unreliable_reason"] == "generator saturated", generator
    assert generator["saturated_seconds"] > 0, generator
    assert done.stdout.count("generator saturated") == 1, done.stdout
