"""Clients for the sandbox tests; the sandbox processes come from tests/fixtures/sandbox.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from harness.sandbox import SandboxProcess

ClientFactory = Callable[[SandboxProcess], httpx.Client]


@pytest.fixture
def client_for(sandbox_token: str) -> Iterator[ClientFactory]:
    """``client_for(sandbox)``: an authorised httpx client, closed at teardown."""
    clients: list[httpx.Client] = []

    def make(sandbox: SandboxProcess) -> httpx.Client:
        client = httpx.Client(
            base_url=sandbox.url,
            headers={"Authorization": f"Bearer {sandbox_token}"},
            timeout=10.0,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def api(sandbox_solid: SandboxProcess, client_for: ClientFactory) -> httpx.Client:
    """An authorised client for the shared solid sandbox."""
    return client_for(sandbox_solid)
