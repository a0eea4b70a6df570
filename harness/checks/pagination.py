"""PAGE: the whole ticket list and the incremental export find every ticket exactly once
(C8, C9).

PAGE-001 walks the entire list, at the contract's page size (the vendor's largest), across at
least ``pagination.min_pages`` full pages: it first creates what is missing to fill them, so a
vendor that loses records deep in the list (past page 3, past 500 records) is caught. Every
ticket the suite created must be listed once; duplicates anywhere and records out of the
list's own order are reported; a record the adapter cannot parse is skipped and counted, never
an abort.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from harness.checks.context import CheckContext
from harness.checks.registry import Severity, check
from harness.model import Page, TicketRef, TicketState
from harness.vendors.base import ApiRequest, Flow
from harness.vendors.capabilities import EXPORT

MAX_PAGES = 5000
_CREATORS = 4  # concurrent creates while filling the list


def _create_batch(ctx: CheckContext, label: str, count: int) -> list[list[TicketRef]]:
    """``count`` tickets, created ``_CREATORS`` at a time: groups in creation order."""

    def make(n: int) -> TicketRef:
        return ctx.create(ctx.ticket(f"{label}-{n:04d}"))[0]

    with ThreadPoolExecutor(_CREATORS) as pool:
        return [
            list(pool.map(make, range(start, min(start + _CREATORS, count))))
            for start in range(0, count, _CREATORS)
        ]


def _walk(
    ctx: CheckContext,
    fetch: Callable[[str | None], Flow[Page[TicketState]]],
    max_records: int,
) -> tuple[list[str], list[tuple[ApiRequest, list[str]]], int, bool]:
    """Every id listed in order, the pages (request, ids), records skipped, whether complete."""
    listed: list[str] = []
    pages: list[tuple[ApiRequest, list[str]]] = []
    skipped = 0
    cursor: str | None = None
    while len(pages) < MAX_PAGES and len(listed) < max_records:
        page, sent = ctx.call(fetch(cursor))
        ids = [item.ref.id for item in page.items]
        listed += ids
        skipped += page.skipped
        pages.append((sent[-1], ids))
        cursor = page.next_cursor
        if cursor is None:
            return listed, pages, skipped, True
    return listed, pages, skipped, False


def _judge(
    ctx: CheckContext,
    refs: list[TicketRef],
    listed: list[str],
    pages: list[tuple[ApiRequest, list[str]]],
    where: str,
) -> None:
    seen = Counter(listed)
    page_of = {item: n for n, (_, ids) in enumerate(pages) for item in ids}
    for index, ref in enumerate(refs):
        count = seen[ref.id]
        if count == 1:
            continue
        # reproduce with the page holding the nearest earlier ticket and the page after it
        before = next((page_of[r.id] for r in reversed(refs[:index]) if r.id in page_of), 0)
        shown = tuple(req for req, _ in pages[before : before + 2])
        ctx.mismatch(
            ctx.record(ref),
            f"presence in {where}",
            "listed once",
            "not listed" if count == 0 else f"listed {count} times",
            shown,
        )
    duplicated_others = sum(1 for item, n in seen.items() if n > 1) - sum(
        seen[r.id] > 1 for r in refs
    )
    if duplicated_others:
        ctx.mismatch(
            where, "records", "each listed once", f"{duplicated_others} other record(s) repeated"
        )
    ctx.measure("tickets", len(refs))
    ctx.measure("listed", len(listed))
    ctx.measure("pages", len(pages))
    ctx.measure("missing", sum(seen[r.id] == 0 for r in refs))
    ctx.measure("duplicated", sum(seen[r.id] > 1 for r in refs) + duplicated_others)


def _out_of_order(groups: list[list[TicketRef]], listed: list[str]) -> int:
    """Neighbours in the list whose creation order disagrees with the list's own direction
    (oldest or newest first: whichever the list follows more often)."""
    group_of = {ref.id: n for n, group in enumerate(groups) for ref in group}
    order = [group_of[item] for item in dict.fromkeys(listed) if item in group_of]
    steps = list(itertools.pairwise(order))
    rising = sum(b > a for a, b in steps)
    falling = sum(b < a for a, b in steps)
    return min(rising, falling)


@check(
    "PAGE-001",
    Severity.MAJOR,
    en="Pagination lists every ticket exactly once",
    zh="分页列表不漏不重",
    requires=["list"],
)
def list_pagination(ctx: CheckContext) -> None:
    """Walking the whole ticket list at the vendor's largest page size, across at least five
    full pages, finds every ticket the suite created exactly once, in a stable order."""
    ctx.require("list")
    spec = ctx.contract.pagination
    size = spec.page_size
    wanted = max(spec.tickets, size * spec.min_pages)
    listed, _, _, _ = _walk(ctx, lambda c: ctx.adapter.list_tickets(c, size), wanted)
    groups = _create_batch(ctx, "page", max(spec.min_new, wanted - len(listed)))
    own = [ref for group in groups for ref in group]
    listed, pages, skipped, complete = _walk(
        ctx, lambda c: ctx.adapter.list_tickets(c, size), spec.max_records
    )
    ctx.measure("page_size", size)
    ctx.measure("unparseable", skipped)
    ctx.measure("complete", complete)
    judged = own
    if complete:  # every ticket the suite made and left as created is in the list too
        session = ctx.session
        earlier = [r for r in session.created if r.id not in session.altered]
        judged = list({r.id: r for r in [*earlier, *own]}.values())
    else:
        ctx.measure("note", f"walked the first {len(listed)} records (pagination.max_records)")
    _judge(ctx, judged, listed, pages, "the list")
    disorder = _out_of_order(groups, listed)
    ctx.measure("out_of_order", disorder)
    if disorder and complete:
        ctx.mismatch(
            "the list",
            "order",
            "a stable order (creation order or its reverse)",
            f"{disorder} of the check's own tickets out of order",
            tuple(req for req, _ in pages[:2]),
        )


@check(
    "PAGE-002",
    Severity.MAJOR,
    en="Incremental export returns every ticket exactly once",
    zh="增量导出不漏不重",
    requires=["export"],
)
def incremental_export(ctx: CheckContext) -> None:
    """Exporting tickets changed since just before a batch was created finds each exactly once."""
    exporter = ctx.need(EXPORT)
    since = time.time() - 60  # a minute of clock skew between harness and vendor
    refs = [
        ref
        for group in _create_batch(ctx, "export", ctx.contract.pagination.export_tickets)
        for ref in group
    ]
    listed, pages, skipped, _ = _walk(
        ctx,
        lambda c: exporter.export_tickets(since, c, 100),
        ctx.contract.pagination.max_records,
    )
    ctx.measure("unparseable", skipped)
    _judge(ctx, refs, listed, pages, "the incremental export")
