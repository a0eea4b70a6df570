"""Bearer auth refuses without leaking data; the token bucket answers 429 with Retry-After."""

from __future__ import annotations

import httpx
import pytest

from harness.sandbox import SandboxProcess
from tests.fixtures.sandbox import SandboxFactory
from tests.sandbox.conftest import ClientFactory
from tests.sandbox.helpers import ticket_body

UNAUTHORIZED = {"error": {"code": "unauthorized", "message": "missing or wrong bearer token"}}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic Zm9vOmJhcg=="}],
    ids=["missing", "wrong-token", "wrong-scheme"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/tickets"),
        ("GET", "/api/v1/tickets/T000001"),
        ("GET", "/api/v1/agents"),
        ("GET", "/_sandbox/truth"),
        ("GET", "/api/v1/no-such-route"),
    ],
)
def test_refused_without_the_token(
    sandbox_solid: SandboxProcess, headers: dict[str, str], method: str, path: str
) -> None:
    with httpx.Client(base_url=sandbox_solid.url, headers=headers) as client:
        response = client.request(method, path)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_refused_create_stores_nothing(sandbox_solid: SandboxProcess, api: httpx.Client) -> None:
    before = len(api.get("/_sandbox/truth").json()["tickets"])
    with httpx.Client(base_url=sandbox_solid.url) as anonymous:
        response = anonymous.post("/api/v1/tickets", json=ticket_body("anon-1"))
    assert response.status_code == 401
    assert len(api.get("/_sandbox/truth").json()["tickets"]) == before


def test_health_needs_no_token(sandbox_solid: SandboxProcess) -> None:
    with httpx.Client(base_url=sandbox_solid.url) as client:
        response = client.get("/_sandbox/health")
    assert response.json() == {"status": "ok", "profile": "solid"}


def test_rate_limit_429_with_retry_after(
    sandbox_factory: SandboxFactory, client_for: ClientFactory
) -> None:
    client = client_for(sandbox_factory("solid", rate_limit_rps=5, rate_limit_burst=5))
    statuses = [client.get("/api/v1/agents") for _ in range(8)]
    assert [r.status_code for r in statuses[:5]] == [200] * 5
    limited = [r for r in statuses if r.status_code == 429]
    assert limited, "8 requests at once with burst 5 were all allowed"
    for response in limited:
        assert response.json()["error"]["code"] == "rate_limited"
        assert response.headers["Retry-After"].isdigit()
        assert int(response.headers["Retry-After"]) >= 1
    # /_sandbox/* is exempt even with an empty bucket
    assert client.get("/_sandbox/truth").status_code == 200
    assert client.get("/_sandbox/health").status_code == 200
