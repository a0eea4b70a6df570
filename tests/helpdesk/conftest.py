"""A django-helpdesk on loopback, one per test module (fresh database copy each time)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpdesk.server import HelpdeskServer, HelpdeskUnavailable


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HelpdeskServer]:
    server = HelpdeskServer(tmp_path_factory.mktemp("helpdesk"))
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
