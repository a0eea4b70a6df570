"""What ``locustfile.py`` re-exports: the options, the event wiring, the user and the shape.

    locust -f locustfile.py --scenario scenarios/smoke.yaml [--vendor NAME] [--headless]

works as Locust users expect (web UI or headless, ``--processes N``, master and workers). With a
vendor whose ``base_url`` is ``embedded`` and no ``--host``, a local run starts its own sandbox.
``csm-harness run`` starts the sandbox itself and runs this file in a child process.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from locust import LoadTestShape, User, events
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from harness.config.shapes import Sessions
from harness.errors import HarnessError
from harness.load import chat, gevent_fix, handover, session
from harness.load.collect import MetricsHub
from harness.load.lifeline import INTERRUPTED, PARENT_GONE, report_every_second, watch_parent
from harness.load.plan import Target, new_run_id
from harness.load.run_folder import finalize_run, new_run_info
from harness.load.shards import target_hosts
from harness.load.users import ChatArrivals, ChatCustomer, CustomerUser
from harness.results.run_info import RunInfo, write_run_info
from harness.vendors.chat import check_chat_support
from harness.vendors.registry import adapter_for

__all__ = ["ArrivalRateShape", "ChatArrivals", "ChatCustomer", "CustomerUser"]

log = logging.getLogger("csm_harness")
_START_DELAY_S = 1.0  # time for the user pool to spawn before the first arrival is due
_PLAN_MESSAGE = "csm_plan"
gevent_fix.apply()  # keep-alive reuse on sockets >= fd 1024 (see the module docstring)


class _State:
    target: Target | None = None
    hub: MetricsHub | None = None
    info: RunInfo | None = None
    run_dir: Path | None = None
    worker_plan: dict[str, Any] | None = None
    sandbox: Any = None
    stop_reason: str | None = None  # "done" when the shape ended the run, else why it stopped


_state = _State()
report_every_second()


@events.init_command_line_parser.add_listener
def _add_options(parser: Any) -> None:
    group = parser.add_argument_group("csm-harness")
    group.add_argument("--scenario", default="", help="scenario YAML to run (csm-harness)")
    group.add_argument("--vendor", default=None, help="which of the scenario's vendors to target")
    group.add_argument("--run-dir", default="", help="results folder (default reports/<run-id>)")
    group.add_argument("--run-id", default="", help="run id (default: time-scenario-vendor)")
    group.add_argument(
        "--target-hosts",
        default="",
        help="comma-separated base URLs of independent vendor instances: load process i "
        "targets the (i mod N)-th (see harness.load.shards)",
    )


def _fail(error: HarnessError) -> None:
    sys.stderr.write(f"Error: {error}\n")
    sys.exit(error.exit_code)


def _fail_now(error: HarnessError) -> None:
    """From a Locust event greenlet, where SystemExit would only end the greenlet: nothing was
    sent yet and no result is written, so the process ends at once."""
    sys.stderr.write(f"Error: {error}\n")
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(error.exit_code)


@events.init.add_listener
def _on_init(environment: Environment, **_: Any) -> None:
    runner = environment.runner
    is_worker = isinstance(runner, WorkerRunner)
    process = "worker" if is_worker else ("master" if isinstance(runner, MasterRunner) else "local")
    _state.hub = MetricsHub(environment, process, runs_users=process != "master")
    if is_worker and isinstance(runner, WorkerRunner):
        runner.register_message(_PLAN_MESSAGE, _on_plan_message)
        handover.listen_on_worker(runner, _state.hub)
        return
    if isinstance(runner, MasterRunner):
        handover.listen_on_master(runner, _state.hub)
    try:
        target = Target.from_options(environment.parsed_options)
        if not environment.host and target.vendor.base_url != "embedded":
            environment.host = target.vendor.base_url
        if not environment.host:
            if process == "master":
                raise HarnessError(
                    "distributed runs need --host: start the sandbox with "
                    "'csm-harness sandbox' or use 'csm-harness run --workers N'."
                )
            environment.host = _start_embedded_sandbox(target)
        target.check_host(environment.host)
        for host in target_hosts(environment.parsed_options):
            target.check_host(host)
        _check_chat(target)
        _apply_request_timeout(target)
    except HarnessError as error:
        _fail(error)
        return
    _state.target = target


def _opens_sessions(target: Target) -> bool:
    load = target.scenario.load
    return isinstance(load, Sessions) or load.opens == "sessions"


def _check_chat(target: Target) -> None:
    """A scenario that opens sessions needs a chat adapter (and an agent API for agents > 0)."""
    agents = target.scenario.conversation.agents
    if _opens_sessions(target):
        adapter = adapter_for(target.vendor, str(target.vendor_path))
        check_chat_support(adapter, agents, str(target.vendor_path))


def _apply_request_timeout(target: Target) -> None:
    """``bounds.request_timeout`` for ticket users (chat users keep their long-poll limits)."""
    timeout = target.scenario.bounds.request_timeout
    CustomerUser.network_timeout = timeout
    CustomerUser.connection_timeout = min(10.0, timeout)


def _start_embedded_sandbox(target: Target) -> str:
    from harness.sandbox.server import SandboxProcess

    token_env = target.vendor.auth.token_env if target.vendor.auth.kind == "bearer" else None
    token = os.environ.get(token_env or "") or secrets.token_urlsafe(24)
    if token_env:
        os.environ[token_env] = token
    assert target.vendor.sandbox is not None
    sandbox = SandboxProcess(
        profile=target.vendor.sandbox.profile,
        overrides=dict(target.vendor.sandbox.overrides),
        token=token,
    )
    sandbox.start()
    _state.sandbox = sandbox
    events.quitting.add_listener(lambda **_: sandbox.stop())
    log.info("started the embedded sandbox (%s) at %s", target.vendor.sandbox.profile, sandbox.url)
    return str(sandbox.url)


def _on_plan_message(environment: Environment, msg: Any, **_: Any) -> None:
    _state.worker_plan = dict(msg.data)


@events.test_start.add_listener
def _on_test_start(environment: Environment, **_: Any) -> None:
    runner = environment.runner
    hub = _state.hub
    assert hub is not None
    try:
        if isinstance(runner, WorkerRunner):
            _start_worker(environment, runner, hub)
            return
        target = _state.target
        assert target is not None
        options = environment.parsed_options
        run_id = getattr(options, "run_id", "") or new_run_id(target.scenario, target.vendor)
        run_dir = Path(getattr(options, "run_dir", "") or Path("reports") / run_id)
        run_dir.mkdir(parents=True, exist_ok=True)
        start_at = time.time() + _START_DELAY_S
        workers = runner.worker_count if isinstance(runner, MasterRunner) else 1
        info = new_run_info(run_id, target, str(environment.host), workers, start_at)
        hub.reset(run_dir)
        _state.stop_reason = None
        if isinstance(runner, MasterRunner):
            write_run_info(run_dir, info)
            _state.info, _state.run_dir = info, run_dir
            watch_parent(environment, _on_parent_gone)
            plan = {"run_id": run_id, "run_dir": str(run_dir), "start_at": start_at}
            plan["workers"] = workers
            runner.send_message(_PLAN_MESSAGE, plan)
        else:
            # set-up (webhook registration) first: a run whose set-up failed never started
            run = session.begin(environment, target, run_id, run_dir, 0, 1, start_at, hub)
            write_run_info(run_dir, info)
            _state.info, _state.run_dir = info, run_dir
            watch_parent(environment, _on_parent_gone)
            chat.begin(run, 0, 1)
    except HarnessError as error:
        _fail_now(error)


def _on_parent_gone() -> None:
    _state.stop_reason = PARENT_GONE


def _start_worker(environment: Environment, runner: WorkerRunner, hub: MetricsHub) -> None:
    plan = _state.worker_plan
    if plan is None:
        raise HarnessError("this worker got no csm-harness plan from its master")
    target = Target.from_options(environment.parsed_options)
    _apply_request_timeout(target)
    hub.reset(None)
    run_dir = Path(plan["run_dir"])
    index, count = max(0, runner.worker_index), int(plan["workers"])
    run = session.begin(
        environment, target, plan["run_id"], run_dir, index, count, float(plan["start_at"]), hub
    )
    chat.begin(run, index, count)


@events.test_stop.add_listener
def _on_test_stop(environment: Environment, **_: Any) -> None:
    hub = _state.hub
    assert hub is not None
    chat.end()
    if session._current is not None:
        session.end(session.current())
    if isinstance(environment.runner, WorkerRunner):
        return
    if hub.totals is None or _state.info is None or _state.run_dir is None:
        return
    assert _state.target is not None
    if isinstance(environment.runner, MasterRunner):
        handover.collect_last_reports(environment.runner)
    reason = _state.stop_reason
    if reason == "done" or hub.state.budget_exhausted:
        cut_reason = None  # finished, or cut by max_requests (the summary says so itself)
    else:
        cut_reason = reason or INTERRUPTED
    summary = finalize_run(
        _state.run_dir, _state.info, _state.target.scenario, hub.totals, time.time(), cut_reason
    )
    hub.close()
    environment.process_exit_code = 0 if summary.verdict == "pass" else 1
    log.info("csm-harness results: %s (%s)", _state.run_dir, summary.verdict)


class ArrivalRateShape(LoadTestShape):
    """Open kinds: holds the user pool while arrivals are due, then drains: the run ends when
    every ticket (or conversation) is done or timed out, or at the scenario's hard time bound.

    Kind ``sessions`` (closed model): ramps ``sessions`` chat customers at ``ramp`` a second,
    holds for ``hold``, then stops (the harness's agents are desks each process runs)."""

    def tick(self) -> tuple[int, float, list[type[User]]] | None:
        result = self._tick()
        if result is None and _state.stop_reason is None:
            _state.stop_reason = "done"
        return result

    def _tick(self) -> tuple[int, float, list[type[User]]] | None:
        target = _state.target
        hub = _state.hub
        if target is None or hub is None:
            return None
        scenario = target.scenario
        run_time = self.get_run_time()
        if run_time >= scenario.bounds.max_duration:
            log.warning("bounds.max_duration reached: stopping the run")
            _state.stop_reason = "bounds.max_duration"
            return None
        load = scenario.load
        classes: list[type[User]]
        if isinstance(load, Sessions):
            if run_time >= _START_DELAY_S + load.total_duration:
                return None
            return load.sessions, load.ramp, [ChatCustomer]
        if load.opens == "sessions":
            users, classes = load.max_users, [ChatArrivals]
            drain = scenario.conversation.expected_length() + scenario.conversation.reply_timeout
        else:
            users, classes, drain = load.max_users, [CustomerUser], scenario.probe.timeout
        rate = float(min(users, 200))
        arrivals_end = _START_DELAY_S + load.total_duration
        if run_time < arrivals_end + 1.0:
            return users, rate, classes
        totals = hub.totals
        if totals is not None and totals.drained():
            return None
        if run_time >= arrivals_end + drain + 5.0:
            return None
        return users, rate, classes
