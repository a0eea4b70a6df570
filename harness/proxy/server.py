"""The defect-injecting reverse proxy: aiohttp on loopback, in front of one vendor.

Requests are forwarded to the vendor's ``base_url`` as they are (method, path, query, headers
except hop-by-hop ones, body); answers come back as they are except where a chosen defect acts
(:mod:`harness.proxy.defects`). Requests under ``/_proxy/webhook`` are a webhook relay to
``webhook_target`` (the harness's receiver): point the vendor's webhook there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from ipaddress import ip_address
from typing import Any, Final
from urllib.parse import quote, urlsplit

import aiohttp
from aiohttp import web

from harness.proxy.defects import FIRST_KEY, ProxyPlan, deep_page
from harness.vendors.templating import MISSING, get_path

__all__ = ["WEBHOOK_PREFIX", "build_app"]

WEBHOOK_PREFIX: Final = "/_proxy/webhook"
_HOP: Final = frozenset(
    ("host", "connection", "keep-alive", "transfer-encoding", "content-length", "upgrade",
     "accept-encoding", "content-encoding", "proxy-connection", "te", "trailer")
)  # fmt: skip
_WRITES: Final = frozenset(("POST", "PUT", "PATCH"))
# CN mobiles and resident ID numbers, as the acceptance checks send them
_PII: Final = re.compile(r"(?<![0-9])(1[3-9][0-9]{9}|[1-9][0-9]{16}[0-9Xx])(?![0-9])")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(plan: ProxyPlan, upstream: str, webhook_target: str | None = None) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    state: dict[str, Any] = {}

    async def start(_: web.Application) -> None:
        state["client"] = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=120), auto_decompress=True
        )

    async def stop(_: web.Application) -> None:
        await state["client"].close()

    async def handle(request: web.Request) -> web.StreamResponse:
        client: aiohttp.ClientSession = state["client"]
        if request.path.startswith(WEBHOOK_PREFIX):
            return await _relay(plan, client, request, webhook_target)
        return await _forward(plan, client, request, upstream.rstrip("/"))

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


def _headers(request: web.Request, drop: tuple[str, ...] = ()) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.lower() not in _HOP | set(drop)}


async def _forward(
    plan: ProxyPlan, client: aiohttp.ClientSession, request: web.Request, upstream: str
) -> web.StreamResponse:
    defects = plan.defects
    body = await request.read()
    drop = plan.idempotency_headers if "ignore-idempotency" in defects else ()
    if "unmask-pii" in defects and body:
        plan.remembered.update(_PII.findall(body.decode("utf-8", "replace")))
    own = f"{request.scheme}://{request.host}"
    if "strip-signatures" in defects and body:
        body = _through_proxy(plan, request, body, own)
    if plan.external_id_create is not None and body:
        body = _fresh_external_id(plan, plan.external_id_create, request, body)
    url = upstream + request.rel_url.path_qs
    try:
        async with client.request(
            request.method, url, headers=_headers(request, drop), data=body or None,
            allow_redirects=False,
        ) as answer:  # fmt: skip
            status, payload = answer.status, await answer.read()
            headers = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
    except aiohttp.ClientError as exc:  # the vendor is down: say so, as a gateway would
        return web.json_response({"error": f"proxy: {upstream} unreachable: {exc}"}, status=502)
    if "accept-invalid" in defects and request.method in _WRITES and status in (400, 422):
        status = 200
    if 200 <= status < 300 and payload:
        payload = _mutate(plan, request, payload)
    for fresh, sent in plan.renamed.items():
        payload = payload.replace(fresh.encode(), sent.encode())
    # the vendor's own absolute URLs (a `next` page) must lead back through the proxy
    payload = payload.replace(upstream.encode(), own.encode())
    if "location" in {k.lower() for k in headers}:
        headers = {k: v.replace(upstream, own) for k, v in headers.items()}
    return web.Response(status=status, body=payload, headers=headers)


def _mutate(plan: ProxyPlan, request: web.Request, payload: bytes) -> bytes:
    defects = plan.defects
    if "unmask-pii" in defects and plan.remembered:
        payload = _unmask(plan, payload)
    reads = request.method == "GET"
    if not reads or not ({"drop-field", "rewrite-enum", "skip-deep"} & set(defects.kinds)):
        return payload
    try:
        data = json.loads(payload)
    except ValueError:
        return payload
    items = get_path(data, plan.list_items) if plan.list_items else MISSING
    if isinstance(items, list):
        tickets = [t for t in items if isinstance(t, dict)]
        if "skip-deep" in defects and deep_page(plan, list(request.query)) and items:
            items.pop(len(items) // 2)
    else:
        one = get_path(data, plan.ticket_result)
        tickets = [one] if isinstance(one, dict) else []
    for ticket in tickets:
        if "drop-field" in defects:
            for path in plan.drop_paths:
                _delete(ticket, path)
        if "rewrite-enum" in defects and plan.enum_path:
            _rewrite(ticket, plan.enum_path, plan.enum_from, plan.enum_to)
    return json.dumps(data, ensure_ascii=False).encode()


def _through_proxy(plan: ProxyPlan, request: web.Request, body: bytes, own: str) -> bytes:
    """A webhook registration names the proxy's relay instead of the receiver it was given."""
    if plan.webhook_register is None:
        return body
    method, path, key = plan.webhook_register
    if request.method != method or not path.match(request.path):
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if not isinstance(data, dict) or not isinstance(data.get(key), str):
        return body
    data[key] = f"{own}{WEBHOOK_PREFIX}?to={quote(data[key], safe='')}"
    return json.dumps(data).encode()


def _fresh_external_id(
    plan: ProxyPlan, create: tuple[str, re.Pattern[str], str], request: web.Request, body: bytes
) -> bytes:
    """A vendor deduplicating on the external id sees every create as a new one."""
    method, path, where = create
    if request.method != method or not path.match(request.path):
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    *parents, last = where.split(".")
    holder: Any = data
    for part in parents:
        holder = holder.get(part) if isinstance(holder, dict) else None
    if not isinstance(holder, dict) or not isinstance(holder.get(last), str):
        return body
    sent = holder[last]
    # the closing letter keeps one fresh id from being a prefix of another (-p1q, -p10q)
    fresh = f"{sent}-p{len(plan.renamed) + 1}q"
    plan.renamed[fresh] = sent
    holder[last] = fresh
    return json.dumps(data, ensure_ascii=False).encode()


def _loopback(url: str) -> bool:
    parts = urlsplit(url)
    try:
        return parts.scheme in ("http", "https") and ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return parts.hostname == "localhost"


def _delete(item: dict[str, Any], path: str) -> None:
    if path.endswith(FIRST_KEY):
        mapping = get_path(item, path.removesuffix(FIRST_KEY))
        if isinstance(mapping, dict) and mapping:
            mapping.pop(min(mapping))
        return
    parent, last = _parent(item, path)
    if parent is not None:
        parent.pop(last, None)


def _rewrite(item: dict[str, Any], path: str, source: str | None, target: Any) -> None:
    parent, last = _parent(item, path)
    if parent is not None and last in parent and str(parent[last]) == source:
        parent[last] = target


def _parent(item: dict[str, Any], path: str) -> tuple[dict[str, Any] | None, str]:
    """The mapping that holds a dotted path's last key (None when the path breaks off)."""
    *parents, last = path.split(".")
    found: Any = item
    for part in parents:
        found = found.get(part) if isinstance(found, dict) else None
    return (found if isinstance(found, dict) else None), last


def _unmask(plan: ProxyPlan, payload: bytes) -> bytes:
    text = payload.decode("utf-8", "replace")
    for value in plan.remembered:
        masked = re.escape(value[:3]) + r"\*{3,}" + re.escape(value[-4:])
        text = re.sub(masked, value, text)
    return text.encode()


async def _relay(
    plan: ProxyPlan,
    client: aiohttp.ClientSession,
    request: web.Request,
    target: str | None,
) -> web.StreamResponse:
    target = request.query.get("to", target)
    if target is None:
        return web.json_response(
            {"error": "the proxy was started without --webhook-target"}, status=503
        )
    if not _loopback(target):  # never an open relay
        return web.json_response({"error": "webhooks are relayed to loopback only"}, status=403)
    drop = plan.signature_headers if "strip-signatures" in plan.defects else ()
    body = await request.read()
    async with client.post(target, headers=_headers(request, drop), data=body) as answer:
        return web.Response(status=answer.status, body=await answer.read())
