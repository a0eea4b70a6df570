"""MIG: bulk import N historical tickets, export them back, reconcile field by field (C8).
Any record lost, duplicated or altered is listed."""

from __future__ import annotations

import time
from collections import defaultdict

from harness.checks.context import CheckContext
from harness.checks.history import historical_tickets
from harness.checks.registry import Severity, check
from harness.vendors.admin import BulkImport, HistoricalTicket, StoredTicket, TicketExport
from harness.vendors.base import ApiRequest

MAX_PAGES = 10_000


@check(
    "MIG-001",
    Severity.VETO,
    en="Migration loses, duplicates and alters nothing",
    zh="历史数据迁移不丢、不重、不改",
    requires=[BulkImport, TicketExport],
)
def import_export_reconciles(ctx: CheckContext) -> None:
    """Every imported record is exported back exactly once with every field as imported."""
    ctx.require([BulkImport, TicketExport])
    adapter = ctx.adapter
    assert isinstance(adapter, BulkImport) and isinstance(adapter, TicketExport)
    since = time.time() - 60
    categories = sorted(set(ctx.contract.routing.expected_queues))
    records = historical_tickets(ctx.session.run_tag, ctx.contract.migration.records, categories)
    batch_of: dict[str, ApiRequest] = {}
    for start in range(0, len(records), adapter.max_batch):
        batch = records[start : start + adapter.max_batch]
        results, sent = ctx.call(adapter.import_tickets(batch))
        for record in batch:
            batch_of[record.ticket.external_id] = sent[-1]
        for result in results:
            if result.outcome not in ("created", "exists"):
                ctx.mismatch(
                    f"ticket external_id {result.external_id}",
                    "import",
                    "created",
                    f"{result.outcome}: {result.error}",
                    sent,
                )
    exported: dict[str, list[StoredTicket]] = defaultdict(list)
    export_requests: list[ApiRequest] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page, sent = ctx.call(adapter.export_tickets(since, cursor, 100))
        export_requests += sent
        for item in page.items:
            exported[item.external_id].append(item)
        cursor = page.next_cursor
        if cursor is None:
            break
    lost = duplicated = altered = 0
    first_export = tuple(export_requests[:1])
    for record in records:
        ext = record.ticket.external_id
        copies = exported.get(ext, [])
        repro = (batch_of[ext], *first_export)
        if not copies:
            lost += 1
            ctx.mismatch(
                f"ticket external_id {ext}",
                "record",
                "exported once",
                "lost: imported, never exported",
                repro,
            )
            continue
        if len(copies) > 1:
            duplicated += 1
            ctx.mismatch(
                f"ticket external_id {ext}",
                "record",
                "exported once",
                f"exported {len(copies)} times: {', '.join(c.id for c in copies)}",
                repro,
            )
        diffs = _differences(ctx, record, copies[0])
        altered += bool(diffs)
        for name, sent_value, got_value in diffs:
            ctx.mismatch(
                f"ticket {copies[0].id} (external_id {ext})", name, sent_value, got_value, repro
            )
    ctx.measure("imported", len(records))
    ctx.measure("exported", sum(len(exported.get(r.ticket.external_id, [])) for r in records))
    ctx.measure("lost", lost)
    ctx.measure("duplicated", duplicated)
    ctx.measure("altered", altered)


def _differences(
    ctx: CheckContext, record: HistoricalTicket, got: StoredTicket
) -> list[tuple[str, object, object]]:
    sent = record.ticket
    priority = ctx.contract.priority_projection.get(sent.priority.value, sent.priority.value)
    pairs: list[tuple[str, object, object]] = [
        ("subject", sent.subject, got.subject),
        ("description", sent.description, got.description),
        ("channel", sent.channel.value, got.channel.value),
        ("priority", priority, got.priority.value),
        ("status", record.status.value, got.status.value),
        ("category", sent.category, got.category),
        ("customer.name", sent.customer.name, got.customer_name),
    ]
    pairs += [
        (f"custom_fields.{k}", v, got.custom_fields.get(k)) for k, v in sent.custom_fields.items()
    ]
    return [(name, a, b) for name, a, b in pairs if a != b]
