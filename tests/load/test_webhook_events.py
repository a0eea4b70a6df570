"""Only declared assignment events are routing samples (``webhooks.events``): a vendor that
delivers new tickets and follow-ups (django-helpdesk) feeds the receiver deliveries that are
acknowledged and counted, never taken for assignments; such a vendor is probed by polling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gevent import socket

from harness.config import load_scenario, load_vendor
from harness.config.probe_mode import probe_mode
from harness.errors import ConfigError
from harness.load.webhook import WebhookReceiver
from harness.vendors.base import WebhookEvent
from harness.vendors.rest import RestAdapter
from harness.vendors.sandbox import SandboxAdapter
from tests.load.test_webhook_receiver import SECRET, _delivery, _read_status

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = ROOT / "scenarios/vendors/django-helpdesk.yaml"


def _helpdesk_delivery(ticket_id: int, assigned_to: int | None) -> bytes:
    """What django-helpdesk 2.6.1 posts for a new ticket (helpdesk/webhooks.py): unsigned."""
    ticket = {"id": ticket_id, "queue": 1, "title": "t", "assigned_to": assigned_to,
              "status": 1, "priority": 3, "custom_external_id": f"x-{ticket_id}"}  # fmt: skip
    body = json.dumps({"ticket": ticket, "queue_slug": "billing"}).encode()
    head = (
        "POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: python-requests/2.32.3\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _serve(
    receiver: WebhookReceiver, deliveries: list[bytes], events: list[WebhookEvent]
) -> list[str]:
    receiver.start()
    try:
        host, port = receiver.local_url.removeprefix("http://").split("/")[0].rsplit(":", 1)
        conn = socket.create_connection((host, int(port)), timeout=5)
        statuses = []
        for delivery in deliveries:
            conn.sendall(delivery)
            statuses.append(_read_status(conn))
        conn.close()
    finally:
        receiver.stop()
    return statuses


def test_helpdesk_deliveries_naming_an_agent_are_no_assignment_samples() -> None:
    adapter = RestAdapter.from_spec(load_vendor(HELPDESK))
    deliveries = [_helpdesk_delivery(n, assigned_to=7) for n in range(1, 4)]
    # the adapter alone would read each as an assignment to agent 7...
    events: list[WebhookEvent] = []
    counted: list[str] = []
    naive = WebhookReceiver(adapter, None, lambda e, _t: events.append(e), lambda: None)
    assert _serve(naive, deliveries, events) == ["HTTP/1.1 204 No Content"] * 3
    assert [e.assignment.agent_id for e in events] == ["7", "7", "7"]
    # ...but the vendor file declares created and updated only: none is a latency sample
    events.clear()
    receiver = WebhookReceiver(
        adapter, None, lambda e, _t: events.append(e), lambda: None,
        count=counted.append, assignments=False,
    )  # fmt: skip
    assert _serve(receiver, deliveries, events) == ["HTTP/1.1 204 No Content"] * 3
    assert events == []
    assert receiver.received == receiver.other == 3
    assert counted == ["received"] * 3


def test_other_events_of_a_signing_vendor_are_still_verified() -> None:
    events: list[WebhookEvent] = []
    rejected: list[int] = []
    receiver = WebhookReceiver(
        SandboxAdapter(), SECRET, lambda e, _t: events.append(e), lambda: rejected.append(1),
        assignments=False,
    )  # fmt: skip
    statuses = _serve(receiver, [_delivery(1), _delivery(2, secret="forged")], events)
    assert statuses == ["HTTP/1.1 204 No Content", "HTTP/1.1 401 Unauthorized"]
    assert events == [] and rejected == [1] and receiver.other == 1


def test_a_vendor_without_assignment_events_is_probed_by_polling() -> None:
    scenario = load_scenario(ROOT / "scenarios/smoke.yaml")
    assert probe_mode(scenario, load_vendor(HELPDESK)) == "polling"
    sandbox = load_vendor(ROOT / "scenarios/vendors/sandbox-solid.yaml")
    assert probe_mode(scenario, sandbox) == "webhook"
    forced = scenario.model_copy(
        update={"probe": scenario.probe.model_copy(update={"mode": "webhook"})}
    )
    with pytest.raises(ConfigError, match=r"delivers only created, updated.*probe\.mode: polling"):
        probe_mode(forced, load_vendor(HELPDESK))


def test_observing_assignments_by_webhook_needs_assignment_events(tmp_path: Path) -> None:
    text = HELPDESK.with_name("sandbox-rest.yaml").read_text("utf-8")
    text = text.replace("secret_env: CSM_SANDBOX_WEBHOOK_SECRET}", "events: [created]}")
    vendor = tmp_path / "v.yaml"
    vendor.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=r"add 'assigned' to webhooks\.events"):
        load_vendor(vendor)
