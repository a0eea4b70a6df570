"""The ``csm_*`` fixtures, registered as a plugin only when ``--csm-vendor`` is given.

``csm_session`` (the run's adapter, client, contract and run tag), ``csm_adapter``,
``csm_client``, ``csm_contract``, and ``csm_context`` (a fresh
:class:`~harness.checks.context.CheckContext` for the check a test is parametrized with,
``csm_check``). Write extra checks of your own as tests using them.
"""

from __future__ import annotations

import pytest

from harness.checks.client import CheckClient
from harness.checks.context import CheckContext, Session
from harness.checks.contract import Contract
from harness.checks.plugin import CONTEXT_KEY, RUN_KEY
from harness.vendors.base import VendorAdapter


@pytest.fixture(scope="session")
def csm_session(pytestconfig: pytest.Config) -> Session:
    """The run's shared state: adapter, client, contract, run tag."""
    session = pytestconfig.stash[RUN_KEY].session
    assert session is not None, "pytest_sessionstart did not run"
    return session


@pytest.fixture(scope="session")
def csm_adapter(csm_session: Session) -> VendorAdapter:
    return csm_session.adapter


@pytest.fixture(scope="session")
def csm_client(csm_session: Session) -> CheckClient:
    return csm_session.client


@pytest.fixture(scope="session")
def csm_contract(csm_session: Session) -> Contract:
    return csm_session.contract


@pytest.fixture
def csm_context(request: pytest.FixtureRequest, csm_session: Session) -> CheckContext:
    """A fresh context for the check this test is parametrized with (``csm_check``)."""
    check = request.node.callspec.params["csm_check"]
    context = CheckContext(check, csm_session)
    request.node.stash[CONTEXT_KEY] = context
    return context
