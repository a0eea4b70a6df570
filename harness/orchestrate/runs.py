"""Runs a scenario against one vendor: sandbox up, Locust in a child process, results read back.

The parent process never imports locust (importing it gevent-patches the process); it starts
``python -m locust -f harness/load/locustfile.py --headless ...`` and watches the run folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
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
from harness.errors import ConfigError, HarnessError, VendorError
from harness.metrics.series import SeriesStore
from harness.orchestrate.distributed import LOCUSTFILE, MasterSpec
from harness.orchestrate.preflight import check_environment
from harness.orchestrate.recovery import KILLED, recover
from harness.redact import redact_text
from harness.results.model import RunSummary
from harness.results.run_dir import RunDir
from harness.transport.allowlist import check_target

_GRACE_S = 90.0  # beyond bounds.max_duration before the child is killed
_STOP_GRACE_S = 30.0  # Ctrl-C: time the load process gets to stop and write its report
PARENT_ENV = "CSM_HARNESS_PARENT_PID"  # read by harness.load.lifeline in the child
# The load process's pid while it runs: left behind only when csm-harness itself was killed,
# so whoever reuses the folder can wait for the orphan to finish its write-out first.
LOAD_PID_FILE = "load.pid"
INTERRUPTED = "an interrupt (Ctrl-C or SIGTERM)"


@dataclass(frozen=True, slots=True)
class Progress:
    elapsed_s: float
    planned: int
    created: int
    routed: int
    errors: int
    final: bool = False  # read after the load process ended: every delta is in


@dataclass(frozen=True, slots=True)
class RunOutcome:
    run_dir: Path
    summary: RunSummary
    exit_code: int
    interrupted: bool = False  # Ctrl-C: the caller stops after this vendor
    recovered: bool = False  # the summary was rebuilt from disk (the load process died)


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
    on_stopping: Callable[[], None] | None = None,
) -> RunOutcome:
    """``workers`` local processes, or with ``master`` a Locust master that waits for
    ``master.expect_workers`` external workers (:mod:`harness.orchestrate.distributed`)."""
    vendor = load_vendor(vendor_path)
    check_environment(scenario_path, scenario, vendor, vendor_path)
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
        env[PARENT_ENV] = str(os.getpid())
        try:
            ended = _run_locust(
                scenario_path, scenario, vendor, host, run_dir, run_id, workers, env,
                on_progress, on_stopping, master,
            )  # fmt: skip
        except ConfigError:
            _drop_unstarted(run_dir)
            raise
        code = ended.code
        if vendor.base_url == "embedded":
            try:
                _save_truth(host, env[_token_env(vendor)], run_dir)
            except HarnessError:
                if not (ended.interrupted or ended.killed):
                    raise
    summary_path = RunDir(run_dir).summary
    recovered = False
    if ended.killed or not summary_path.exists():
        if not RunDir(run_dir).run_info.exists():
            raise VendorError(
                f"the load run for {vendor.name} ended (exit {code}) before it started; "
                f"see {run_dir / 'locust.log'}"
            )
        recovered = True
        summary = recover(run_dir, cut_reason=ended.cut_reason or KILLED).summary
    else:
        summary = RunSummary.from_dict(json.loads(summary_path.read_text(encoding="utf-8")))
    return RunOutcome(run_dir, summary, code, ended.interrupted, recovered)


def _drop_unstarted(run_dir: Path) -> None:
    """A configuration error the load process found before the run started leaves no folder
    that a history could list as a failed run (its message is already the error)."""
    if RunDir(run_dir).run_info.exists():
        return
    shutil.rmtree(run_dir, ignore_errors=True)
    with contextlib.suppress(OSError):
        run_dir.parent.rmdir()  # the batch folder, when this was its only run


def _token_env(vendor: VendorSpec) -> str:
    if vendor.auth.kind == "bearer" and vendor.auth.token_env:
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
    on_stopping: Callable[[], None] | None = None,
    master: MasterSpec | None = None,
) -> _Ended:
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
    interrupted = killed = False
    cut_reason: str | None = None
    with log_path.open("wb") as log:
        child = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        pid_file = run_dir / LOAD_PID_FILE
        pid_file.write_text(f"{child.pid}\n", encoding="utf-8")
        try:
            while child.poll() is None:
                try:
                    if time.monotonic() > deadline:  # the hard stop: nothing outlives it
                        child.kill()
                        child.wait()
                        killed = True
                        cut_reason = f"the hard stop (bounds.max_duration + {_GRACE_S:.0f} s)"
                        break
                    if on_progress is not None:
                        on_progress(watcher.read(time.monotonic() - started))
                    time.sleep(0.5)
                except KeyboardInterrupt:
                    interrupted = True
                    if on_stopping is not None:
                        on_stopping()
                    killed = _stop_gracefully(child, deadline)
                    cut_reason = INTERRUPTED
                    break
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            pid_file.unlink(missing_ok=True)
    code = child.returncode
    if interrupted or killed:
        return _Ended(code, interrupted, killed, cut_reason)
    if code in (2, 3):
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        message = "\n".join(line.removeprefix("Error: ") for line in tail if line.strip())
        message = redact_text(message, []) or f"the load run failed; see {log_path}"
        raise ConfigError(message) if code == 2 else VendorError(message)
    if on_progress is not None:  # the last line agrees with the summary, however short the run
        on_progress(watcher.read(time.monotonic() - started, final=True))
    return _Ended(code, False, False, None)


@dataclass(frozen=True, slots=True)
class _Ended:
    code: int
    interrupted: bool
    killed: bool  # the load process was killed: its summary, if any, is not to be trusted
    cut_reason: str | None


def _stop_gracefully(child: subprocess.Popen[bytes], deadline: float) -> bool:
    """Ctrl-C: ask the load process to stop (it writes its report), wait for it within the
    grace and the hard stop; a second Ctrl-C kills it. True if it had to be killed."""
    # SIGINT, not SIGTERM: during a shape run Locust 2.47 installs its SIGTERM handler only
    # after the shape ends (locust/main.py), so SIGTERM would kill it without a report.
    child.send_signal(signal.SIGINT)
    limit = min(deadline, time.monotonic() + _STOP_GRACE_S)
    try:
        while child.poll() is None and time.monotonic() < limit:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    if child.poll() is None:
        child.kill()
        child.wait()
        return True
    return False


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

    def read(self, elapsed_s: float, *, final: bool = False) -> Progress:
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
            final=final,
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
