"""The per-process run: plan, metrics hub, probe, webhook receiver and records, set up at
``test_start`` and torn down at ``test_stop``."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gevent
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment

from harness.config.probe_mode import probe_mode
from harness.errors import HarnessError, VendorError
from harness.load.collect import MetricsHub
from harness.load.plan import ProcessPlan, Target, build_process_plan, webhook_secret
from harness.load.poll_schedule import PollSchedule
from harness.load.probes import RoutingProbe
from harness.load.reconcile import LookupBounds, look_up
from harness.load.shards import host_for, target_hosts
from harness.load.webhook import WebhookReceiver, check_receiver_url
from harness.metrics.clock import ClockSampler
from harness.metrics.records import RecordWriter
from harness.model import Assignment
from harness.transport.locust import LocustExecutor
from harness.vendors.base import ApiFailure

log = logging.getLogger("csm_harness")


@dataclass(slots=True)
class LoadRun:
    environment: Environment
    plan: ProcessPlan
    hub: MetricsHub
    probe: RoutingProbe
    records: RecordWriter
    receiver: WebhookReceiver | None
    webhook_id: str | None
    executor: LocustExecutor
    clock: ClockSampler
    host: str  # this process's target (its shard's base URL with --target-hosts)
    quitting: bool = False

    def over_request_budget(self) -> bool:
        """The scenario's hard stop on requests: stop once this process has spent its share."""
        sent = self.hub.requests_sent
        if sent < self.plan.max_requests:
            return False
        if not self.quitting:
            self.quitting = True
            self.hub.state.budget_exhausted = True
            log.warning("bounds.max_requests reached (%d in this process): stopping the run", sent)
            runner = self.environment.runner
            if runner is not None:
                gevent.spawn(runner.quit)
        return True


_current: LoadRun | None = None


def current() -> LoadRun:
    if _current is None:
        raise RuntimeError("no csm-harness run in this process: did test_start run?")
    return _current


def begin(
    environment: Environment,
    target: Target,
    run_id: str,
    run_dir: Path,
    index: int,
    count: int,
    start_at: float,
    hub: MetricsHub,
) -> LoadRun:
    global _current
    host = host_for(target_hosts(environment.parsed_options), environment.host or "", index)
    if not host:
        raise HarnessError("no target host: pass --host or use a vendor with base_url: embedded")
    target.check_host(host)
    plan = build_process_plan(target, run_id, index, count, start_at)
    process = f"{index}-{os.getpid()}"
    records = RecordWriter(run_dir, process)
    timeout = target.scenario.bounds.request_timeout
    session = FastHttpSession(
        host,
        environment.events.request,
        user=None,
        network_timeout=timeout,
        connection_timeout=min(10.0, timeout),
    )
    clock = ClockSampler()
    executor = LocustExecutor(session, plan.signer, role="probe", clock=clock)
    setup = LocustExecutor(session, plan.signer, role="setup", clock=clock)
    probe_cfg = target.scenario.probe
    mode = probe_mode(target.scenario, target.vendor)

    def poll(ref: Any) -> Assignment | None:
        result: Assignment | None = executor.run(plan.adapter.fetch_assignment(ref))
        return result

    schedule = PollSchedule(
        interval_s=probe_cfg.poll_interval,
        first_s=probe_cfg.poll_first,
        growth=probe_cfg.poll_growth,
        budget_per_s=probe_cfg.poll_budget / max(1, count),
    )

    probe = RoutingProbe(
        mode=mode,
        poll_interval_s=probe_cfg.poll_interval,
        timeout_s=probe_cfg.timeout,
        adapter=plan.adapter,
        poll=poll,
        hub=hub,
        records=records,
        process=process,
        schedule=schedule,
        clock=clock,
    )
    receiver: WebhookReceiver | None = None
    webhook_id: str | None = None
    hooks = target.vendor.webhooks
    answering = hooks.supported and hooks.mode == "preconfigured" and index == 0
    if mode == "webhook" or answering:
        # a preconfigured vendor delivers whatever the probe mode: one process answers it
        receiver, webhook_id = _start_webhooks(target, plan, probe, hub, setup, count, mode)
    hub.state.planned = plan.feed.planned
    run = LoadRun(environment, plan, hub, probe, records, receiver, webhook_id, setup, clock, host)
    hub.before_ship = lambda: refresh_state(run)
    probe.start()
    hub.start()
    _current = run
    return run


def _start_webhooks(
    target: Target,
    plan: ProcessPlan,
    probe: RoutingProbe,
    hub: MetricsHub,
    setup: LocustExecutor,
    count: int,
    mode: str,
) -> tuple[WebhookReceiver, str | None]:
    """The receiver on its address, then (mode ``register``) the vendor told where to send.
    Deliveries are routing samples only when probing by webhook (``mode``) and the vendor file
    declares assignment events; any others are acknowledged and counted."""
    hooks = target.vendor.webhooks
    host, port = "127.0.0.1", 0
    if hooks.listen is not None:
        if count > 1 and mode == "webhook":
            raise HarnessError(
                f"{target.vendor_path}: webhooks.listen {hooks.listen} is one address: run with "
                "--workers 1 (each worker process would need its own receiver)"
            )
        listen_host, _, listen_port = hooks.listen.rpartition(":")
        host, port = listen_host.strip("[]"), int(listen_port)
    unsigned = hooks.signature == "none"
    secret = None if unsigned else webhook_secret(target.vendor, str(target.vendor_path)).reveal()
    receiver = WebhookReceiver(
        plan.adapter,
        secret,
        probe.on_webhook,
        lambda: _count_rejected(hub),
        host=host,
        port=port,
        public_url=hooks.public_url,
        count=lambda name: hub.store.add(f"webhooks_{name}", int(time.time())),
        assignments=mode == "webhook" and "assigned" in hooks.events,
    )
    try:
        receiver.start()
    except OSError as exc:
        raise HarnessError(
            f"{target.vendor_path}: cannot listen for webhooks on {host}:{port} "
            f"({exc.strerror or type(exc).__name__}); pick a free port for --webhook-listen"
        ) from None
    if hooks.mode == "preconfigured":
        log.info("webhooks: listening on %s for a preconfigured vendor", receiver.local_url)
        return receiver, None
    if hooks.public_url is None:
        check_receiver_url(receiver.url)
    try:
        webhook_id = setup.run(plan.adapter.register_webhook(receiver.url, secret or ""))
    except ApiFailure as failure:
        receiver.stop()
        raise VendorError(registration_failed(target, failure)) from None
    return receiver, webhook_id


def registration_failed(target: Target, failure: ApiFailure) -> str:
    """What the user reads when the vendor refused the webhook set-up: its own answer."""
    request = failure.request
    status = failure.status if failure.status is not None else failure.kind.value
    return (
        f"{target.vendor.name} ({target.vendor_path}): the webhook registration "
        f"{request.method} {request.path} was refused: {status} {failure.detail[:300]}. "
        "No load was sent. Fix the vendor's webhook settings, or set probe.mode: polling, or "
        "webhooks.mode: preconfigured if an admin already points the vendor at the receiver."
    )


def _count_rejected(hub: MetricsHub) -> None:
    hub.state.rejected_webhooks += 1


def end(run: LoadRun) -> None:
    """Stop probing, record what is still waiting as cut, unregister the webhook."""
    global _current
    run.hub.state.cut = run.probe.finish()
    _settle_lost_creates(run)
    refresh_state(run)
    run.hub.state.exhausted = True  # whatever is left of the schedule will not be sent now
    if run.webhook_id is not None:
        try:
            run.executor.run(run.plan.adapter.unregister_webhook(run.webhook_id))
        except Exception as exc:  # the vendor may already be gone; the run's data is safe
            log.warning("could not unregister the webhook: %s", type(exc).__name__)
    if run.receiver is not None:
        run.receiver.stop()
    run.records.close()
    run.hub.stop()
    _current = None


def _settle_lost_creates(run: LoadRun) -> None:
    """Look the creates whose answer was lost up at the vendor (harness.load.reconcile)."""
    lost = run.probe.lost
    if not lost:
        return
    bounds = run.plan.target.scenario.bounds
    lookup = look_up(
        run.plan.adapter,
        run.executor.run,
        lost,
        run.probe.witnesses,
        LookupBounds(bounds.lookup_requests, bounds.lookup_time),
    )
    run.probe.settle(lookup)
    log.info(
        "looked up %d create(s) whose answer was lost: %d found, %d absent, %d unknown "
        "(%d list requests)%s",
        len(lost),
        len(lookup.found),
        len(lookup.absent),
        len(lost) - len(lookup.found) - len(lookup.absent),
        lookup.requests,
        f": {lookup.note}" if lookup.note else "",
    )


def refresh_state(run: LoadRun) -> None:
    """Copy the live feed and probe counters into what the master sees."""
    state = run.hub.state
    feed = run.plan.feed
    state.exhausted = feed.exhausted
    state.pending = run.probe.pending
    state.late = feed.late
    state.max_lag_s = feed.max_lag_s
    estimate = run.clock.estimate()
    if estimate is not None:
        state.clock_offset_ms = estimate.offset_s * 1000.0
        state.clock_bound_ms = estimate.bound_s * 1000.0
        state.clock_samples = estimate.samples


__all__ = ["LoadRun", "begin", "current", "end", "refresh_state"]
