"""The aiohttp application: bearer auth and rate limiting at the gate, then the routes.

``/_sandbox/health`` is open; every other path needs ``Authorization: Bearer <token>``.
``/api/*`` is rate limited per token; ``/_sandbox/*`` is not. ``POST /_sandbox/pause
{"seconds": 2}`` stalls the vendor: ``/api/*`` requests wait at the gate until it ends.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from http import HTTPStatus
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from harness.sandbox.admin import AdminRoutes
from harness.sandbox.agents import AgentRoutes
from harness.sandbox.desk import DeskRoutes
from harness.sandbox.faults import fault_middleware
from harness.sandbox.loopback import is_loopback_host
from harness.sandbox.profiles import Profile
from harness.sandbox.responses import ApiError, error_response, json_response, read_json
from harness.sandbox.sessions import SessionRoutes
from harness.sandbox.stall import MAX_PAUSE_S
from harness.sandbox.state import SandboxState
from harness.sandbox.tickets import TicketRoutes, invalid

__all__ = ["STATE", "build_app"]

STATE = web.AppKey("sandbox_state", SandboxState)
HEALTH_PATH = "/_sandbox/health"
EXPORTS_PREFIX = "/api/v1/exports/"

_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="csm-sandbox"'}
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def build_app(profile: Profile, token: str, seed: int = 7) -> web.Application:
    """The sandbox app for ``profile``; engine and webhook senders start with the app."""
    state = SandboxState(profile, seed)
    app = web.Application(
        middlewares=[_gate(token, state), fault_middleware(state.faults)],
        client_max_size=profile.max_body_bytes + 1,  # aiohttp refuses size >= this
    )
    app[STATE] = state
    app.cleanup_ctx.append(_lifecycle)
    router = app.router
    TicketRoutes(state).add_to(router)
    SessionRoutes(state).add_to(router)
    AgentRoutes(state).add_to(router)
    AdminRoutes(state).add_to(router)
    DeskRoutes(state).add_to(router)  # a helpdesk-like face of the same desk (issue 14)
    misc = _MiscRoutes(state)
    router.add_get(HEALTH_PATH, misc.health)
    router.add_get("/_sandbox/truth", misc.truth)
    router.add_post("/_sandbox/pause", misc.pause)
    router.add_get("/api/v1/queues", misc.queues)
    router.add_post("/api/v1/webhooks", misc.add_webhook)
    router.add_delete("/api/v1/webhooks/{id}", misc.delete_webhook)
    return app


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    state = app[STATE]
    await state.start()
    yield
    await state.stop()


def _gate(token: str, state: SandboxState) -> Middleware:
    expected = f"Bearer {token}".encode()
    limiter, export_limiter, defects = state.limiter, state.export_limiter, state.defects
    stall = state.stall

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if path != HEALTH_PATH:
            supplied = request.headers.get("Authorization", "").encode()
            if not hmac.compare_digest(supplied, expected) and not defects.token_ok(
                supplied, expected
            ):
                return error_response(
                    401, "unauthorized", "missing or wrong bearer token", headers=_UNAUTHORIZED
                )
            if not path.startswith("/_sandbox/"):
                await stall.wait()  # POST /_sandbox/pause: every /api request waits it out
                wait = limiter.check(token)
                if not wait and path.startswith(EXPORTS_PREFIX):
                    wait = export_limiter.check(token)
                if wait:
                    return error_response(
                        429,
                        "rate_limited",
                        f"rate limit exceeded; retry in {wait} s",
                        headers=defects.retry_after(wait),
                    )
        try:
            return await handler(request)
        except ApiError as exc:
            return exc.response()
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            code = _HTTP_CODES.get(exc.status, f"http_{exc.status}")
            allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
            return error_response(exc.status, code, HTTPStatus(exc.status).phrase, headers=allow)

    return gate


class _MiscRoutes:
    def __init__(self, state: SandboxState) -> None:
        self._state = state

    async def health(self, request: web.Request) -> web.Response:
        return json_response({"status": "ok", "profile": self._state.profile.name})

    async def truth(self, request: web.Request) -> web.Response:
        return json_response(self._state.truth())

    async def pause(self, request: web.Request) -> web.Response:
        body = await read_json(request, self._state.profile.max_body_bytes)
        seconds = body.get("seconds") if isinstance(body, dict) else None
        if (
            not isinstance(seconds, int | float)
            or isinstance(seconds, bool)
            or not 0 < seconds <= MAX_PAUSE_S
        ):
            raise invalid({"seconds": f"required, a number of seconds in (0, {MAX_PAUSE_S:g}]"})
        until = self._state.stall.pause(float(seconds))
        return json_response({"paused_until": until, "seconds": float(seconds)})

    async def queues(self, request: web.Request) -> web.Response:
        return json_response({"queues": self._state.engine.queue_depths()})

    async def add_webhook(self, request: web.Request) -> web.Response:
        body = await read_json(request, self._state.profile.max_body_bytes)
        if not isinstance(body, dict):
            raise invalid({"body": "must be a JSON object"})
        url, secret = body.get("url"), body.get("secret")
        problems: dict[str, str] = {}
        if not isinstance(url, str) or not _loopback_http(url):
            problems["url"] = "must be an http:// URL on a loopback host (127.0.0.1, ::1)"
        if not isinstance(secret, str) or not secret:
            problems["secret"] = "required, a non-empty string"
        if problems:
            raise invalid(problems)
        hook = self._state.webhooks.register(str(url), str(secret))
        return json_response({"webhook": {"id": hook.id, "url": hook.url}}, 201)

    async def delete_webhook(self, request: web.Request) -> web.Response:
        hook_id = request.match_info["id"]
        if not self._state.webhooks.unregister(hook_id):
            raise ApiError(404, "not_found", f"no webhook {hook_id}")
        return web.Response(status=204)


def _loopback_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme == "http" and is_loopback_host(parts.hostname)
