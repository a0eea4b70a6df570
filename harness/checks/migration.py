"""MIG: bulk import N historical tickets, export them back, reconcile field by field (C8).
Any record lost, duplicated or altered is listed."""

from __future__ import annotations

import time
from collections import defaultdict

from harness.checks.context import CheckContext
from harness.checks.history import CATEGORIES, historical_tickets
from harness.checks.registry import Severity, check
from harness.checks.settle import await_progress
from harness.model import TicketState
from harness.vendors.base import ApiRequest
from harness.vendors.capabilities import (
    BULK_IMPORT,
    EXPORT,
    BulkImport,
    HistoricalTicket,
    ImportJob,
)

MAX_PAGES = 10_000
JOB_QUIET_S = 30.0  # an import job that makes no progress this long is given up on
JOB_BOUND_S = 300.0


@check(
    "MIG-001",
    Severity.VETO,
    en="Migration loses, duplicates and alters nothing",
    zh="历史数据迁移不丢、不重、不改",
    requires=["bulk-import", "export"],
)
def import_export_reconciles(ctx: CheckContext) -> None:
    """Every imported record is exported back exactly once with every field as imported."""
    importer = ctx.need(BULK_IMPORT)
    exporter = ctx.need(EXPORT)
    since = time.time() - 60
    records = historical_tickets(ctx.session.run_tag, ctx.contract.migration.records, CATEGORIES)
    batch_of: dict[str, ApiRequest] = {}
    jobs: list[tuple[list[HistoricalTicket], ImportJob, tuple[ApiRequest, ...]]] = []
    for start in range(0, len(records), importer.max_batch):
        batch = records[start : start + importer.max_batch]
        job, sent = ctx.call(importer.import_tickets(batch))
        for record in batch:
            batch_of[record.ticket.external_id] = sent[-1]
        jobs.append((batch, job, sent))
    _finish_jobs(ctx, importer, jobs)
    for batch, job, sent in jobs:
        for index, reason in job.failed:
            shown = batch[index].ticket.external_id if 0 <= index < len(batch) else "(batch)"
            ctx.mismatch(f"ticket external_id {shown}", "import", "created", reason, sent)
    adapter = exporter
    exported: dict[str, list[TicketState]] = defaultdict(list)
    export_requests: list[ApiRequest] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page, sent = ctx.call(adapter.export_tickets(since, cursor, 100))
        export_requests += sent
        for item in page.items:
            exported[item.ref.external_id].append(item)
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
                f"exported {len(copies)} times: {', '.join(c.ref.id for c in copies)}",
                repro,
            )
        diffs = _differences(ctx, record, copies[0])
        altered += bool(diffs)
        for name, sent_value, got_value in diffs:
            ctx.mismatch(
                f"ticket {copies[0].ref.id} (external_id {ext})", name, sent_value, got_value, repro
            )
    ctx.measure("imported", len(records))
    ctx.measure("exported", sum(len(exported.get(r.ticket.external_id, [])) for r in records))
    ctx.measure("lost", lost)
    ctx.measure("duplicated", duplicated)
    ctx.measure("altered", altered)


def _finish_jobs(
    ctx: CheckContext,
    importer: BulkImport,
    jobs: list[tuple[list[HistoricalTicket], ImportJob, tuple[ApiRequest, ...]]],
) -> None:
    """Poll every unfinished job while jobs keep finishing (a job per batch of records)."""

    def outstanding() -> int:
        for n, (batch, job, sent) in enumerate(jobs):
            if job.done:
                continue
            parts = [ctx.run(importer.import_status(job_id)) for job_id in job.job_ids]
            done = all(p.done for p in parts)
            created = tuple(c for p in parts for c in p.created)
            failed = tuple(f for p in parts for f in p.failed)
            jobs[n] = (batch, ImportJob(job.job_ids, done, created, failed), sent)
        return sum(not job.done for _, job, _ in jobs)

    waited = await_progress(outstanding, JOB_QUIET_S, JOB_BOUND_S, interval_s=1.0)
    ctx.measure("import_wait_s", round(waited, 2))
    for _batch, job, sent in jobs:
        if not job.done:
            ctx.mismatch(
                f"import job {', '.join(job.job_ids)}",
                "status",
                "finished",
                f"not finished after {waited:.0f} s",
                sent,
            )


def _differences(
    ctx: CheckContext, record: HistoricalTicket, got: TicketState
) -> list[tuple[str, object, object]]:
    sent = record.ticket
    priority = ctx.contract.priority_projection.get(sent.priority.value, sent.priority.value)
    pairs: list[tuple[str, object, object]] = [
        ("subject", sent.subject, got.subject),
        ("description", sent.description, got.description),
        ("priority", priority, got.priority.value),
        ("status", record.status.value, got.status.value),
        ("category", sent.category, got.category),
    ]
    pairs += [
        (f"custom_fields.{k}", v, got.custom_fields.get(k)) for k, v in sent.custom_fields.items()
    ]
    return [(name, a, b) for name, a, b in pairs if a != b]
