"""Everything one sandbox instance holds, wired together: store, routing, webhooks, limits."""

from __future__ import annotations

from typing import Any

from harness.sandbox.chat import ChatDesk
from harness.sandbox.customers import CustomerBook
from harness.sandbox.defects import Defects
from harness.sandbox.faultplan import parse_faults
from harness.sandbox.faults import FaultInjector
from harness.sandbox.masking import mask_json
from harness.sandbox.profiles import Profile
from harness.sandbox.ratelimit import RateLimiter
from harness.sandbox.routing import RoutingEngine
from harness.sandbox.stall import Stall
from harness.sandbox.store import Routable, Store
from harness.sandbox.webhooks import WebhookDispatcher

__all__ = ["SandboxState"]


class SandboxState:
    """One per process. ``start``/``stop`` run inside the server's event loop."""

    def __init__(self, profile: Profile, seed: int) -> None:
        self.profile = profile
        self.defects = Defects(profile.defects)
        self.store = Store()
        self.customers = CustomerBook(merge=self.defects.merge_identities)
        self.webhooks = WebhookDispatcher(signed=self.defects.signed_webhooks)
        self.stall = Stall()  # POST /_sandbox/pause holds /api requests and routing
        self.chat = ChatDesk(profile, self.store, seed)
        self.engine = RoutingEngine(
            profile, seed, self._on_assign, self.chat.on_finish, stall=self.stall
        )
        self.chat.engine = self.engine
        self.limiter = RateLimiter(profile.rate_limit_rps, profile.rate_limit_burst)
        self.export_limiter = RateLimiter(
            profile.export_rate_limit_rps, profile.export_rate_limit_burst
        )
        self.faults = FaultInjector(parse_faults(profile.faults), seed)
        if self.faults.plan.webhooks_active:
            self.webhooks.after_delivery = self.faults.after_delivery

    async def start(self) -> None:
        await self.webhooks.start()
        await self.faults.start()
        self.engine.start()

    async def stop(self) -> None:
        await self.engine.stop()
        await self.webhooks.close()
        await self.faults.stop()

    def _on_assign(self, item: Routable) -> None:
        self.chat.on_assign(item)
        if not self.webhooks.hooks or not self.defects.deliver_assignment():
            return
        self.webhooks.emit(
            f"{item.kind}.assigned",
            {
                f"{item.kind}_id": item.id,
                "external_id": item.external_id,
                "agent_id": item.assignee,
                "queue": item.queue,
                "assigned_at": item.assigned_at,
            },
        )

    def public(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` as the API shows it: personal data masked when the profile says so."""
        if not self.profile.mask_pii:
            return data
        masked: dict[str, Any] = mask_json(data, phones=self.defects.mask_phones)
        return masked

    def truth(self) -> dict[str, object]:
        """The server-side record tests compare the harness's measurements against."""
        return {
            "profile": self.profile.to_dict(),
            "capacity": self.profile.capacity(),
            "tickets": [ticket.truth() for ticket in self.store.tickets],
            "sessions": [session.truth() for session in self.store.sessions],
            "webhooks": self.webhooks.counts(),
            "faults": self.faults.truth(),
        }
