"""``POST /_sandbox/pause`` stalls /api requests and routing; control routes stay open."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from harness.sandbox import SandboxProcess
from tests.fixtures.sandbox import SandboxFactory
from tests.sandbox.conftest import ClientFactory
from tests.sandbox.helpers import ticket_body, unique, wait_for


def test_api_requests_wait_until_the_pause_ends(
    sandbox_factory: SandboxFactory, client_for: ClientFactory
) -> None:
    sandbox = sandbox_factory()
    client = client_for(sandbox)
    paused = client.post("/_sandbox/pause", json={"seconds": 1.0})
    assert paused.status_code == 200
    assert paused.json()["seconds"] == 1.0
    started = time.monotonic()
    assert client.get("/_sandbox/truth").status_code == 200  # control routes do not wait
    assert time.monotonic() - started < 0.5
    created = client.post("/api/v1/tickets", json=ticket_body(unique("pause")))
    waited = time.monotonic() - started
    assert created.status_code == 201
    assert 0.8 <= waited < 3.0
    again = time.monotonic()
    assert client.get("/api/v1/queues").status_code == 200
    assert time.monotonic() - again < 0.5  # open again


def test_routing_decisions_pause_too(
    sandbox_factory: SandboxFactory, client_for: ClientFactory
) -> None:
    """One routing worker at 0.3 s a decision: the second ticket's decision waits out a pause
    that starts while the first is being decided."""
    sandbox = sandbox_factory(routing_workers=1, decision_time_s=0.3)
    client = client_for(sandbox)
    first, second = unique("first"), unique("second")
    client.post("/api/v1/tickets", json=ticket_body(first)).raise_for_status()
    client.post("/api/v1/tickets", json=ticket_body(second)).raise_for_status()
    client.post("/_sandbox/pause", json={"seconds": 1.0}).raise_for_status()
    rows = wait_for(
        lambda: _assigned(client, second), timeout=10, what="the second ticket's assignment"
    )
    assert rows[second]["queue_wait_s"] >= 1.0  # unpaused it would be about 0.6 s


def _assigned(client: httpx.Client, external_id: str) -> dict[str, dict[str, Any]] | None:
    tickets = client.get("/_sandbox/truth").json()["tickets"]
    rows = {t["external_id"]: t for t in tickets}
    return rows if rows.get(external_id, {}).get("assigned_at") else None


@pytest.mark.parametrize("body", [{}, {"seconds": 0}, {"seconds": -1}, {"seconds": 61},
                                  {"seconds": "2"}, {"seconds": True}, []])  # fmt: skip
def test_bad_pause_requests_are_refused(api: httpx.Client, body: object) -> None:
    response = api.post("/_sandbox/pause", json=body)
    assert response.status_code == 422, response.text
    assert "seconds" in response.text


def test_pause_needs_the_token(sandbox_solid: SandboxProcess) -> None:
    response = httpx.post(f"{sandbox_solid.url}/_sandbox/pause", json={"seconds": 1})
    assert response.status_code == 401
