"""A django-helpdesk on loopback, one per test module (fresh database copy each time), its
new-ticket and follow-up webhooks pointed at a fixed loopback address."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpdesk.server import HelpdeskServer, HelpdeskUnavailable, free_port


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HelpdeskServer]:
    # preconfigured webhooks, as an admin sets them: to the receiver `accept` binds on
    # --webhook-listen (HelpdeskServer.webhook_listen)
    listen = f"127.0.0.1:{free_port()}"
    server = HelpdeskServer(tmp_path_factory.mktemp("helpdesk"), f"http://{listen}/webhooks")
    try:
        server.start()
    except HelpdeskUnavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"django-helpdesk unavailable here: {exc}")
    try:
        yield server
    finally:
        server.stop()
