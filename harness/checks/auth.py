"""AUTH: requests without or with a wrong credential are refused, and leak nothing (C1)."""

from __future__ import annotations

import secrets

from harness.checks.context import CheckContext
from harness.checks.registry import Severity, check
from harness.redact import Secret
from harness.vendors.auth import Signer, bearer, no_auth
from harness.vendors.base import ApiRequest
from harness.vendors.capabilities import LIST


def _probe(ctx: CheckContext, signer: Signer, what: str) -> None:
    if ctx.session.auth_kind == "none":
        import pytest

        pytest.skip("the vendor file declares no authentication (auth.kind: none)")
    ticket = ctx.ticket(what)
    ref, _ = ctx.create(ticket)
    # a read of the ticket always; a list only where the vendor offers one
    requests: list[ApiRequest] = [next(ctx.adapter.get_ticket(ref))]
    if ctx.offers(LIST):
        requests.append(next(ctx.need(LIST).list_tickets(None, 5)))
    for request in requests:
        response = ctx.client.send_once(request, signer)
        body = response.body.decode("utf-8", "replace")
        if response.status not in (401, 403):
            ctx.mismatch(
                f"request {request.name} {what}",
                "HTTP status",
                "401 or 403",
                response.status,
                (signer(request),),
            )
        leaked = [v for v in (ticket.external_id, ticket.subject, ref.id) if v and v in body]
        if leaked:
            ctx.mismatch(
                f"request {request.name} {what}",
                "response body",
                "no ticket data",
                f"{len(leaked)} value(s) of {ctx.record(ref)}",
                (signer(request),),
            )
    ctx.measure("probes", len(requests))


@check(
    "AUTH-001",
    Severity.VETO,
    en="Requests without credentials are refused",
    zh="缺少凭证的请求被拒绝且不泄露数据",
)
def missing_credentials(ctx: CheckContext) -> None:
    """A read (of the ticket, and of the list where offered) without credentials gets
    401/403 and no ticket data."""
    _probe(ctx, no_auth, "without credentials")


@check(
    "AUTH-002",
    Severity.VETO,
    en="Requests with a wrong credential are refused",
    zh="错误凭证的请求被拒绝且不泄露数据",
)
def wrong_credentials(ctx: CheckContext) -> None:
    """A read (of the ticket, and of the list where offered) with a wrong bearer token gets
    401/403 and no ticket data."""
    _probe(ctx, bearer(Secret("wrong-" + secrets.token_urlsafe(16))), "with a wrong token")
