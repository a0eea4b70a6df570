"""PAGE: cursor pages and the incremental export find every ticket exactly once (C8, C9)."""

from __future__ import annotations

import time
from collections import Counter

from harness.checks.context import CheckContext
from harness.checks.registry import Severity, check
from harness.model import TicketRef
from harness.vendors.admin import TicketExport
from harness.vendors.base import ApiRequest

MAX_PAGES = 5000


def _create_batch(ctx: CheckContext, label: str) -> tuple[list[TicketRef], list[str]]:
    refs = [
        ctx.create(ctx.ticket(f"{label}-{n:04d}"))[0]
        for n in range(ctx.contract.pagination.tickets)
    ]
    return refs, [ref.id for ref in refs]


def _judge(
    ctx: CheckContext,
    refs: list[TicketRef],
    seen: Counter[str],
    pages: list[tuple[ApiRequest, list[str]]],
    where: str,
) -> None:
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
    ctx.measure("tickets", len(refs))
    ctx.measure("pages", len(pages))
    ctx.measure("missing", sum(seen[r.id] == 0 for r in refs))
    ctx.measure("duplicated", sum(seen[r.id] > 1 for r in refs))


@check(
    "PAGE-001",
    Severity.MAJOR,
    en="Cursor pagination lists every ticket exactly once",
    zh="游标分页不漏不重",
)
def cursor_pagination(ctx: CheckContext) -> None:
    """Paging the ticket list with a small page size finds each created ticket exactly once."""
    refs, _ = _create_batch(ctx, "page")
    seen: Counter[str] = Counter()
    pages: list[tuple[ApiRequest, list[str]]] = []
    cursor: str | None = None
    while len(pages) < MAX_PAGES:
        page, sent = ctx.call(ctx.adapter.list_tickets(cursor, ctx.contract.pagination.page_size))
        ids = [item.ref.id for item in page.items]
        seen.update(ids)
        pages.append((sent[-1], ids))
        cursor = page.next_cursor
        if cursor is None:
            break
    _judge(ctx, refs, seen, pages, "the ticket list")


@check(
    "PAGE-002",
    Severity.MAJOR,
    en="Incremental export returns every ticket exactly once",
    zh="增量导出不漏不重",
    requires=[TicketExport],
)
def incremental_export(ctx: CheckContext) -> None:
    """Exporting tickets changed since just before a batch was created finds each exactly once."""
    ctx.require([TicketExport])
    assert isinstance(ctx.adapter, TicketExport)
    since = time.time() - 60  # a minute of clock skew between harness and vendor
    refs, _ = _create_batch(ctx, "export")
    seen: Counter[str] = Counter()
    pages: list[tuple[ApiRequest, list[str]]] = []
    cursor: str | None = None
    while len(pages) < MAX_PAGES:
        page, sent = ctx.call(ctx.adapter.export_tickets(since, cursor, 100))
        ids = [item.id for item in page.items]
        seen.update(ids)
        pages.append((sent[-1], ids))
        cursor = page.next_cursor
        if cursor is None:
            break
    _judge(ctx, refs, seen, pages, "the incremental export")
