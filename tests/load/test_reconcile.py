"""The lookup after the run (harness.load.reconcile) against a real sandbox that commits some
creates and then drops their answers (fault ``lost_answer``): every lost create is found, ids
never sent are absent only when the listing proves it echoes external ids, bounds hold."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.config import load_vendor
from harness.load.reconcile import LookupBounds, look_up
from harness.model import Channel, Customer, Priority, Ticket
from harness.redact import Secret
from harness.sandbox import SandboxProcess
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import bearer
from harness.vendors.base import ApiFailure, FailureKind
from harness.vendors.registry import adapter_for
from harness.vendors.sandbox import SandboxAdapter
from tests.fixtures.proxied import REST_YAML, proxy, rest_vendor
from tests.fixtures.sandbox import SandboxFactory

_BOUNDS = LookupBounds(max_requests=50, max_s=30.0, page_size=10)


def _ticket(external_id: str) -> Ticket:
    return Ticket(
        external_id=external_id,
        subject="subject",
        description="description",
        channel=Channel.WEB,
        priority=Priority.NORMAL,
        category="billing",
        customer=Customer("C1", "Customer"),
    )


@pytest.fixture
def lossy_sandbox(sandbox_factory: SandboxFactory) -> SandboxProcess:
    return sandbox_factory("solid", faults="lost_answer=0.3")


@pytest.fixture
def lossy(lossy_sandbox: SandboxProcess, sandbox_token: str) -> Iterator[HttpxExecutor]:
    with HttpxExecutor(lossy_sandbox.url, bearer(Secret(sandbox_token)), timeout=10.0) as client:
        yield client


def _create(executor: HttpxExecutor, count: int) -> tuple[list[str], list[str]]:
    """(answered, lost) external ids of ``count`` creates."""
    adapter = SandboxAdapter()
    answered: list[str] = []
    lost: list[str] = []
    tag = time.time_ns()
    for n in range(count):
        external_id = f"lookup-{tag}-{n}"
        try:
            executor.run(adapter.create_ticket(_ticket(external_id)))
        except ApiFailure as failure:
            assert failure.kind is FailureKind.CONNECTION
            lost.append(external_id)
        else:
            answered.append(external_id)
    return answered, lost


def test_every_create_whose_answer_was_lost_is_found(lossy: HttpxExecutor) -> None:
    answered, lost = _create(lossy, 60)
    assert lost and answered, "the fault dropped no answer: the test proves nothing"
    never_sent = [f"never-{n}" for n in range(3)]
    lookup = look_up(SandboxAdapter(), lossy.run, [*lost, *never_sent], answered[-5:], _BOUNDS)
    assert set(lookup.found) == set(lost)  # exactly the lost ones, each with its vendor id
    assert all(lookup.found.values())
    assert lookup.absent == frozenset(never_sent)
    assert lookup.note is None
    assert 7 <= lookup.requests <= _BOUNDS.max_requests  # 6 pages; lost answers are asked again


def test_absence_needs_a_listing_that_echoes_known_external_ids(lossy: HttpxExecutor) -> None:
    _create(lossy, 5)
    lookup = look_up(SandboxAdapter(), lossy.run, ["never-sent"], ["not-listed"], _BOUNDS)
    assert lookup.found == {} and lookup.absent == frozenset()
    assert lookup.note is not None and "external ids" in lookup.note


def test_the_lookup_stops_at_its_request_bound(lossy: HttpxExecutor) -> None:
    answered, lost = _create(lossy, 40)
    assert lost
    bounds = LookupBounds(max_requests=2, max_s=30.0, page_size=5)
    lookup = look_up(SandboxAdapter(), lossy.run, [*lost, "never"], answered, bounds)
    assert lookup.requests == 2
    assert lookup.absent == frozenset()
    assert lookup.note is not None and "bound" in lookup.note


def test_a_vendor_with_no_ticket_list_leaves_outcomes_unknown() -> None:
    class CreateOnly:
        def create_ticket(self, ticket: Ticket) -> None: ...

    def run(flow: object) -> object:
        raise AssertionError("no request may be sent")

    lookup = look_up(CreateOnly(), run, ["a"], ["b"], _BOUNDS)
    assert (lookup.found, lookup.absent, lookup.requests) == ({}, frozenset(), 0)
    assert lookup.note is not None and "ticket list" in lookup.note


@pytest.mark.parametrize("defects", ["none", "skip-deep"])
def test_a_list_that_skips_items_proves_no_absence(
    lossy: HttpxExecutor,
    lossy_sandbox: SandboxProcess,
    sandbox_token: str,
    tmp_path: Path,
    defects: str,
) -> None:
    """Through ``csm-harness proxy`` and the rest adapter: a clean list finds every lost create
    and proves the absence of an id never sent; a list that leaves items out of deep pages
    (defect ``skip-deep``) misses tickets the run created, so it proves no absence."""
    answered, lost = _create(lossy, 40)
    assert lost
    upstream = rest_vendor(tmp_path, lossy_sandbox.url, "upstream")
    rest = adapter_for(load_vendor(REST_YAML), str(REST_YAML))
    with (
        proxy(upstream, defects, sandbox_token) as url,
        HttpxExecutor(url, bearer(Secret(sandbox_token)), timeout=10.0) as through,
    ):
        lookup = look_up(rest, through.run, [*lost, "never"], answered, _BOUNDS)
    if defects == "none":
        assert set(lookup.found) == set(lost) and lookup.absent == frozenset({"never"})
    else:
        assert set(lookup.found) <= set(lost) and lookup.absent == frozenset()
        assert lookup.note is not None and "did not show" in lookup.note
