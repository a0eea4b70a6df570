"""Everything one Locust process needs for a run, built from the command-line options.

Options come from ``--scenario``, ``--vendor``, ``--run-dir`` and ``--run-id``. Locust sends
custom options from the master to its workers with each spawn message, so a worker builds its
plan at ``test_start`` (after those arrive), not at ``init``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config import Scenario, VendorSpec, load_scenario, load_vendor, resolve_vendors
from harness.config.shapes import Replay
from harness.data.schedule import scenario_offsets, share_of
from harness.data.synth import TicketFactory
from harness.data.tickets import ReplayTickets, TicketSource
from harness.errors import ConfigError
from harness.load.feed import ArrivalFeed
from harness.redact import Secret, secret_from_env
from harness.transport.allowlist import check_target
from harness.vendors.auth import Signer
from harness.vendors.auth import signer_for as vendor_signer
from harness.vendors.base import VendorAdapter
from harness.vendors.registry import adapter_for


@dataclass(frozen=True, slots=True)
class Target:
    """The scenario and the one vendor this Locust run measures."""

    scenario_path: Path
    scenario: Scenario
    vendor_path: Path
    vendor: VendorSpec

    @classmethod
    def from_options(cls, options: Any) -> Target:
        raw = getattr(options, "scenario", None)
        if not raw:
            raise ConfigError(
                "--scenario is required: the scenario YAML to run, e.g. "
                "locust -f locustfile.py --scenario scenarios/smoke.yaml"
            )
        scenario_path = Path(raw)
        scenario = load_scenario(scenario_path)
        vendor_paths = resolve_vendors(scenario, scenario_path)
        wanted = getattr(options, "vendor", None)
        by_name = {load_vendor(p).name: p for p in vendor_paths}
        if wanted is None:
            vendor_path = vendor_paths[0]
        elif wanted in by_name:
            vendor_path = by_name[wanted]
        else:
            raise ConfigError(
                f"--vendor {wanted}: not a vendor of {scenario_path} "
                f"(it lists: {', '.join(by_name)})."
            )
        return cls(scenario_path, scenario, vendor_path, load_vendor(vendor_path))

    def check_host(self, host: str) -> None:
        check_target(host, self.scenario.allows, self.scenario.allow_hosts, str(self.scenario_path))


def signer_for(vendor: VendorSpec, source: str) -> Signer:
    """The vendor's signer (bearer, basic or a signature scheme), secrets from the env."""
    return vendor_signer(vendor.auth, source)


def webhook_secret(vendor: VendorSpec, source: str) -> Secret:
    """The vendor's webhook secret from its env var, or a fresh one the harness registers."""
    name = vendor.webhooks.secret_env
    if name:
        try:
            return secret_from_env(name, purpose="webhooks.secret_env", source=source)
        except ConfigError:
            if vendor.base_url != "embedded":
                raise
    return Secret(secrets.token_urlsafe(24))


@dataclass(slots=True)
class ProcessPlan:
    """One process's share of the run."""

    target: Target
    adapter: VendorAdapter
    signer: Signer
    feed: ArrivalFeed
    tickets: TicketSource
    max_requests: int


def build_process_plan(
    target: Target, run_id: str, index: int, count: int, start_at: float
) -> ProcessPlan:
    """This process's feed and tickets. Every process computes the whole schedule (it is
    deterministic) and keeps its round-robin share; a replay reads only its share's rows."""
    scenario = target.scenario
    traffic = scenario.traffic
    source = str(target.vendor_path)
    tickets: TicketSource
    if isinstance(scenario.load, Replay):
        # numpy, pandas and pyarrow only for a replay: a second of start-up CPU otherwise
        from harness.data.replay import replay_plan

        replay = replay_plan(scenario)
        share = share_of(replay.offsets, index, count)
        tickets = ReplayTickets(replay, [number for number, _ in share], run_tag=run_id)
    else:
        share = share_of(scenario_offsets(scenario), index, count)
        tickets = TicketFactory(
            seed=traffic.seed * 1009 + index,
            locale=traffic.locale,
            categories=traffic.categories,
            channels=traffic.channels,
            priorities=traffic.priorities,
            run_tag=run_id,
        )
    return ProcessPlan(
        target=target,
        adapter=adapter_for(target.vendor, source),
        signer=signer_for(target.vendor, source),
        feed=ArrivalFeed(share, start_at),
        tickets=tickets,
        max_requests=max(1, scenario.bounds.max_requests // count),
    )


def new_run_id(scenario: Scenario, vendor: VendorSpec) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    return f"{stamp}-{scenario.name}-{vendor.name}-{secrets.token_hex(2)}"
