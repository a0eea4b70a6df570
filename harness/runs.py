"""Runs a scenario against one vendor: sandbox up, Locust in a child process, results read back.

The parent process never imports locust (importing it gevent-patches the process); it starts
``python -m locust -f harness/load/locustfile.py --headless ...`` and watches the run folder.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx

from harness.config import Scenario, VendorSpec, load_vendor
from harness.data.schedule import planned_arrivals
from harness.distributed import LOCUSTFILE, MasterSpec
from harness.errors import ConfigError, HarnessError, VendorError
from harness.metrics.series import SeriesStore
from harness.redact import redact_text
from harness.report.model import RunSummary
from harness.transport.allowlist import check_target

_GRACE_S = 90.0  # beyond bounds.max_duration before the child is killed


@dataclass(frozen=True, slots=True)
class Progress:
    elapsed_s: float
    planned: int
    created: int
    routed: int
    errors: int


@dataclass(frozen=True, slots=True)
class RunOutcome:
    run_dir: Path
    summary: RunSummary
    exit_code: int


ProgressCallback = Callable[[Progress], None]


def run_vendor(
    scenario_path: Path,
    scenario: Scenario,
    vendor_path: Path,
    *,
    out_dir: Path,
    run_id: str,
    workers: int = 1,
    master: MasterSpec | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunOutcome:
    """``workers`` local processes, or with ``master`` a Locust master that waits for
    ``master.expect_workers`` external workers (:mod:`harness.distributed`)."""
    vendor = load_vendor(vendor_path)
    run_dir = out_dir / run_id
    env = dict(os.environ)
    with ExitStack() as stack:
        if vendor.base_url == "embedded":
            host, token = _start_sandbox(vendor, stack)
            env[_token_env(vendor)] = token
        else:
            host = vendor.base_url
        check_target(host, scenario.allows, scenario.allow_hosts, str(scenario_path))
        run_dir.mkdir(parents=True, exist_ok=True)
        code = _run_locust(
            scenario_path,
            scenario,
            vendor,
            host,
            run_dir,
            run_id,
            workers,
            env,
            on_progress,
            master,
        )
        if vendor.base_url == "embedded":
            _save_truth(host, env[_token_env(vendor)], run_dir)
    summary_path = run_dir / "summary.json"
    if not summary_path.exists():
        raise VendorError(
            f"the load run for {vendor.name} ended (exit {code}) without results; "
            f"see {run_dir / 'locust.log'}"
        )
    summary = RunSummary.from_dict(json.loads(summary_path.read_text(encoding="utf-8")))
    return RunOutcome(run_dir, summary, code)


def _token_env(vendor: VendorSpec) -> str:
    if vendor.auth.kind == "bearer":
        return vendor.auth.token_env
    return "CSM_SANDBOX_TOKEN"


def _start_sandbox(vendor: VendorSpec, stack: ExitStack) -> tuple[str, str]:
    from harness.sandbox.server import SandboxProcess

    assert vendor.sandbox is not None
    # A token already in the vendor's env var is used, so external workers can share it.
    token = os.environ.get(_token_env(vendor)) or secrets.token_urlsafe(24)
    sandbox = SandboxProcess(
        profile=vendor.sandbox.profile, overrides=dict(vendor.sandbox.overrides), token=token
    )
    sandbox.start()
    stack.callback(sandbox.stop)
    return str(sandbox.url), token


def _run_locust(
    scenario_path: Path,
    scenario: Scenario,
    vendor: VendorSpec,
    host: str,
    run_dir: Path,
    run_id: str,
    workers: int,
    env: dict[str, str],
    on_progress: ProgressCallback | None,
    master: MasterSpec | None = None,
) -> int:
    args = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--scenario", str(scenario_path), "--vendor", vendor.name,
        "--run-dir", str(run_dir), "--run-id", run_id, "--host", host,
        "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
        "--stop-timeout", "5", "--csv", str(run_dir / "locust"),
    ]  # fmt: skip
    if master is not None:
        args += master.locust_args()
    elif workers > 1:
        # Locust's master port defaults to 5557 for everyone: two runs on one machine (or a
        # run beside another Locust) would collide, so local workers get a free port.
        port = str(_free_loopback_port())
        args += ["--processes", str(workers), "--master-bind-host", "127.0.0.1"]
        args += ["--master-bind-port", port, "--master-host", "127.0.0.1", "--master-port", port]
    log_path = run_dir / "locust.log"
    waiting = master.max_wait_s if master is not None else 0.0
    deadline = time.monotonic() + scenario.bounds.max_duration + _GRACE_S + waiting
    started = time.monotonic()
    watcher = _ProgressWatcher(run_dir, scenario)
    with log_path.open("wb") as log:
        child = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            while child.poll() is None:
                if time.monotonic() > deadline:
                    child.kill()
                    child.wait()
                    raise VendorError(
                        f"the load run did not stop within bounds.max_duration + {_GRACE_S:.0f}"
                        f" s and was killed; see {log_path}"
                    )
                if on_progress is not None:
                    on_progress(watcher.read(time.monotonic() - started))
                time.sleep(0.5)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    code = child.returncode
    if code == 2:
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        message = "\n".join(line.removeprefix("Error: ") for line in tail if line.strip())
        raise ConfigError(redact_text(message, []) or f"the load run failed; see {log_path}")
    return code


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _ProgressWatcher:
    """Reads the master's merged metric deltas as they are appended."""

    def __init__(self, run_dir: Path, scenario: Scenario) -> None:
        self._path = run_dir / "metrics.ndjson"
        self._offset = 0
        self._store = SeriesStore()
        self._planned = planned_arrivals(scenario)

    def read(self, elapsed_s: float) -> Progress:
        if self._path.exists():
            with self._path.open("rb") as handle:
                handle.seek(self._offset)
                for line in handle:
                    if not line.endswith(b"\n"):
                        break
                    self._offset += len(line)
                    try:
                        self._store.merge(json.loads(line)["metrics"])
                    except (ValueError, KeyError):
                        continue
        store = self._store
        return Progress(
            elapsed_s=elapsed_s,
            planned=self._planned,
            created=store.counter_total("tickets_created"),
            routed=store.counter_total("tickets_routed"),
            errors=store.rate_total("errors")[0],
        )


def _save_truth(host: str, token: str, run_dir: Path) -> None:
    """The sandbox's own server-side record of every ticket, for comparison with the probe."""
    try:
        response = httpx.get(
            f"{host}/_sandbox/truth", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise HarnessError(f"could not read the sandbox's truth: {type(exc).__name__}") from None
    (run_dir / "sandbox_truth.json").write_bytes(response.content)
