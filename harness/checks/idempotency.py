"""IDEM: a create retried with the same external id makes exactly one ticket (C6)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from harness.checks.context import CheckContext
from harness.checks.registry import Severity, check
from harness.model import Ticket, TicketRef
from harness.vendors.base import ApiRequest

RETRIES = 3
CONCURRENT = 4


@check(
    "IDEM-001",
    Severity.VETO,
    en="Retried creates make exactly one ticket",
    zh="重试创建只生成一张工单（幂等）",
)
def idempotent_create(ctx: CheckContext) -> None:
    """The same create sent 3 times in a row, and 4 times at once, yields one ticket id."""
    sequential = ctx.ticket("retry")
    results = [ctx.create(sequential) for _ in range(RETRIES)]
    _judge(ctx, sequential, results, "retried in a row")
    parallel = ctx.ticket("concurrent")
    with ThreadPoolExecutor(CONCURRENT) as pool:
        results = list(pool.map(lambda _: ctx.create(parallel), range(CONCURRENT)))
    _judge(ctx, parallel, results, "sent at once")
    ctx.measure("creates", RETRIES + CONCURRENT)


def _judge(
    ctx: CheckContext,
    ticket: Ticket,
    results: list[tuple[TicketRef, tuple[ApiRequest, ...]]],
    how: str,
) -> None:
    ids = sorted({ref.id for ref, _ in results})
    if len(ids) != 1:
        ctx.mismatch(
            ctx.record(None, ticket.external_id),
            "id",
            f"one ticket for {len(results)} creates {how}",
            f"{len(ids)} tickets: {', '.join(ids)}",
            results[0][1][:1],
            note="send the request below twice; both answers must carry the same id",
        )
