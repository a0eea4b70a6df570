"""After the run: look up, at the vendor, the ticket creates whose answer never came.

A create whose request was sent but whose answer was lost (a timeout, a connection reset after
sending) or could not be read (a garbled body) may or may not have made a ticket. The harness
asks the vendor, through the adapter's own ticket list (the ``list`` operation), for the
external ids it sent: a ticket found is created, and counted so; a ticket absent from a listing
read to its end is not. Absence is only believed when the same listing showed every one of
the tickets the harness knows it created (``witnesses``, the latest confirmed creates): a list
that does not echo the external id, skips items, or lags behind the creates leaves the outcome
unknown instead of calling tickets absent that the vendor holds.

The lookup is bounded in requests and time (``bounds.lookup_requests``, ``bounds.lookup_time``)
and its requests are set-up requests, counted apart from the load's ticket operations.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from harness.model import Page, TicketState
from harness.vendors.base import ApiFailure, Flow
from harness.vendors.capabilities import LIST, narrowed

__all__ = ["Lookup", "LookupBounds", "look_up"]

PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class LookupBounds:
    max_requests: int
    max_s: float
    page_size: int = PAGE_SIZE


@dataclass(frozen=True, slots=True)
class Lookup:
    """``found``: external id -> the vendor's ticket id; ``absent``: proved not created."""

    found: dict[str, str] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()
    requests: int = 0
    note: str | None = None  # why some outcomes stay unknown


def look_up(
    adapter: object,
    run: Callable[[Flow[Any]], Any],
    wanted: Collection[str],
    witnesses: Collection[str],
    bounds: LookupBounds,
    clock: Callable[[], float] = time.monotonic,
) -> Lookup:
    """Page through the vendor's tickets until every ``wanted`` id is found, the listing ends,
    or a bound is reached. A failed page is asked again (it costs a request of the budget)."""
    remaining = set(wanted)
    if not remaining:
        return Lookup()
    lister = narrowed(adapter, LIST)
    if lister is None:
        return Lookup(note="the vendor offers no ticket list to look them up in")
    deadline = clock() + bounds.max_s
    found: dict[str, str] = {}
    unseen = set(witnesses)
    ended = False
    cursor: str | None = None
    requests = failures = 0
    while remaining and requests < bounds.max_requests and clock() < deadline:
        requests += 1
        try:
            page: Page[TicketState] = run(lister.list_tickets(cursor, bounds.page_size))
        except ApiFailure:
            failures += 1
            continue
        for state in page.items:
            external_id = state.ref.external_id
            unseen.discard(external_id)
            if external_id in remaining:
                remaining.discard(external_id)
                found[external_id] = state.ref.id
        cursor = page.next_cursor
        if cursor is None:
            ended = True
            break
    if not remaining:
        return Lookup(found, requests=requests)
    if ended and witnesses and not unseen:
        return Lookup(found, frozenset(remaining), requests)
    if ended and not witnesses:
        note = "no create of the run was confirmed, so the list cannot prove an absence"
    elif ended:
        note = (
            f"the vendor's list did not show {len(unseen)} of {len(set(witnesses))} tickets the "
            "run created (external ids not echoed, or the list is incomplete)"
        )
    else:
        note = f"the lookup stopped at its bound ({requests} requests, {failures} failed)"
    return Lookup(found, requests=requests, note=note)
