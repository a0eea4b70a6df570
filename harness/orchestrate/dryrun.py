"""``csm-harness run --dry-run``: what a run would send, built from the real adapter flows, with
nothing sent.

Every request comes from the vendor's own adapter flow (the same generator the load path
runs), signed by the real signer when its credential is available, and answered by a fake
driver: a ``201`` with an empty JSON object. A flow that needs a real answer to go on stops
there; what it yielded so far is shown. Each request is printed as a ``curl`` line with
credentials redacted (``[secure]``) and personal data masked (``[pii:phone]``), so the output
can be pasted into a ticket or a chat. Nothing here opens a socket, starts a sandbox or imports
locust.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness.config import Scenario, VendorSpec
from harness.config.probe_mode import probe_mode
from harness.config.shapes import Replay
from harness.config.units import format_duration
from harness.data.pii import find_pii
from harness.errors import ConfigError
from harness.model import Ticket, TicketRef
from harness.redact import REDACTED, Secret, redact_headers, redact_text, secret_from_env
from harness.transport.allowlist import check_target
from harness.vendors.auth import Signer, basic, bearer, no_auth, signer_for
from harness.vendors.base import ApiRequest, ApiResponse, Flow
from harness.vendors.capabilities import offered
from harness.vendors.credentials import describe_auth
from harness.vendors.registry import create_adapter

__all__ = ["DryRun", "curl_line", "dry_run", "mask_pii"]

_FAKE = ApiResponse(201, {"content-type": "application/json"}, b"{}")
_MAX_STEPS = 3  # requests shown per flow at most
_RECEIVER = "http://127.0.0.1:0/webhooks"  # the real port is chosen when the run starts
_PII_KEYS = re.compile(r"(?i)(name|phone|mobile|email|mail|id_?card|identit|address|openid)")
_SECRET_KEYS = re.compile(r"(?i)(secret|token|password|passwd|api_?key|signature)")


@dataclass(slots=True)
class DryRun:
    vendor: VendorSpec
    target: str  # the URL, or "" for an embedded sandbox
    auth: str
    probe: str
    operations: list[str] = field(default_factory=list)  # the optional operations offered
    credential_missing: list[tuple[str, str]] = field(default_factory=list)
    curls: list[str] = field(default_factory=list)


def dry_run(scenario: Scenario, scenario_path: Path, vendor_path: Path, count: int) -> DryRun:
    """The first ``count`` arrivals' requests for one vendor; refuses a forbidden target."""
    from harness.config import load_vendor

    vendor = load_vendor(vendor_path)
    source = str(vendor_path)
    target = "" if vendor.embedded else vendor.base_url
    if target:
        check_target(target, scenario.allows, scenario.allow_hosts, str(scenario_path))
    base_url = target.rstrip("/") if target else "http://127.0.0.1:<port>"
    adapter = create_adapter(vendor.adapter, source)
    mode = probe_mode(scenario, vendor)
    plan = DryRun(vendor, target, describe_auth(vendor), mode, offered(adapter))
    signer = _signer(vendor, source, plan)
    flows: list[Flow[Any]] = []
    secrets = _secrets_of(signer)
    if mode == "webhook":
        secret = _webhook_secret(vendor, source, plan)
        secrets.append(secret)
        flows.append(adapter.register_webhook(_RECEIVER, secret.reveal()))
    tickets = list(_tickets(scenario, count))
    flows += [adapter.create_ticket(ticket) for ticket in tickets]
    if mode == "polling" and tickets:
        first = tickets[0]
        flows.append(adapter.fetch_assignment(TicketRef("<ticket-id>", first.external_id)))
    for flow in flows:
        for request in _requests(flow):
            plan.curls.append(curl_line(base_url, signer(request), secrets))
    return plan


def curl_line(base_url: str, request: ApiRequest, secrets: list[Secret] | None = None) -> str:
    """One request as a copy-pasteable ``curl`` line, credentials and personal data masked."""
    url = base_url + request.path
    if request.params:
        url += "?" + urlencode(request.params)
    parts = ["curl", "-X", request.method, shlex.quote(url)]
    headers = dict(redact_headers(request.headers))
    if request.json is not None:
        headers.setdefault("Content-Type", "application/json")
    for name, value in headers.items():
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if request.json is not None:
        body = json.dumps(mask_pii(request.json), ensure_ascii=False, separators=(",", ":"))
        parts += ["--data-raw", shlex.quote(body)]
    return redact_text(" ".join(parts), secrets or [])


def mask_pii(value: Any, key: str = "") -> Any:
    """A copy of a JSON value with credentials and personal data masked: whole values under
    secret keys (secret, token...) and personal keys (name, phone, email, identities...),
    detected PII inside any other text."""
    if isinstance(value, Mapping):
        return {k: mask_pii(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_pii(v, key) for v in value]
    if isinstance(value, str):
        if key and _SECRET_KEYS.search(key) and value:
            return REDACTED
        if key and _PII_KEYS.search(key) and value:
            return "[pii]"
        return _mask_text(value)
    return value


def _mask_text(text: str) -> str:
    for hit in sorted(find_pii(text), key=lambda h: h.start, reverse=True):
        text = text[: hit.start] + f"[pii:{hit.kind.value}]" + text[hit.end :]
    return text


def _requests(flow: Flow[Any]) -> Iterator[ApiRequest]:
    try:
        request = next(flow)
        for _ in range(_MAX_STEPS):
            yield request
            request = flow.send(_FAKE)
    except StopIteration:
        return
    except Exception:  # the flow needed a real answer: stop it there
        return
    finally:
        flow.close()


def _tickets(scenario: Scenario, count: int) -> Iterator[Ticket]:
    if isinstance(scenario.load, Replay):
        from harness.data.replay import replay_plan
        from harness.data.tickets import ReplayTickets

        replay = replay_plan(scenario)
        numbers = list(range(min(count, len(replay.offsets))))
        source = ReplayTickets(replay, numbers, run_tag="dry-run")
        yield from (source.make(n) for n in numbers)
        return
    from harness.data.synth import TicketFactory

    traffic = scenario.traffic
    factory = TicketFactory(
        seed=traffic.seed * 1009,
        locale=traffic.locale,
        categories=traffic.categories,
        channels=traffic.channels,
        priorities=traffic.priorities,
        run_tag="dry-run",
    )
    yield from (factory.make(n) for n in range(count))


def _signer(vendor: VendorSpec, source: str, plan: DryRun) -> Signer:
    """The run's own signer (its header redacted when printed); a placeholder when a
    credential is missing, so the auth kind still shows."""
    kind = vendor.auth.kind
    if kind == "none":
        return no_auth
    if vendor.embedded and kind == "bearer":
        return bearer(Secret("embedded-sandbox-token"))
    try:
        return signer_for(vendor.auth, source)
    except ConfigError as exc:
        plan.credential_missing.append(("auth", str(exc)))
        if kind == "basic":
            return basic(Secret("missing-credential"), Secret("missing-credential"))
        return bearer(Secret("missing-credential"))


def _webhook_secret(vendor: VendorSpec, source: str, plan: DryRun) -> Secret:
    name = vendor.webhooks.secret_env
    if not name or vendor.embedded:
        return Secret("generated-at-run-time")
    try:
        return secret_from_env(name, purpose="webhooks.secret_env", source=source)
    except ConfigError as exc:
        plan.credential_missing.append(("webhooks.secret_env", str(exc)))
        return Secret("missing-credential")


def _secrets_of(signer: Signer) -> list[Secret]:
    """The token inside a bearer signer, so its value is scrubbed from free text too."""
    probe = signer(ApiRequest("GET", "/", "probe"))
    value = probe.headers.get("Authorization", "")
    token = value.partition(" ")[2]
    return [Secret(token)] if token and token != REDACTED else []


def bounds_text(scenario: Scenario) -> dict[str, str]:
    bounds = scenario.bounds
    return {
        "duration": format_duration(bounds.max_duration),
        "requests": str(bounds.max_requests),
        "timeout": format_duration(bounds.request_timeout),
    }
