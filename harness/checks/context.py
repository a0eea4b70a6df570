"""What one check runs with: the adapter, the client, the contract, and a place for findings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from harness.checks.client import CheckClient
from harness.checks.contract import Contract
from harness.checks.registry import Check, CheckFailed, Mismatch
from harness.data.identities import channel_identity
from harness.model import Channel, Customer, Priority, Ticket, TicketRef
from harness.transport.base import run_flow
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, Flow, VendorAdapter
from harness.vendors.capabilities import NotSupported, OptionalOperation, lacking, operation

__all__ = ["MAX_SHOWN", "CheckContext", "Session"]

T = TypeVar("T")
P = TypeVar("P")
MAX_SHOWN = 8  # mismatches rendered in the failure text; checks.json keeps up to MAX_KEPT
MAX_KEPT = 200


@dataclass(slots=True)
class Session:
    """Shared by every check of one run."""

    adapter: VendorAdapter
    client: CheckClient
    contract: Contract
    run_tag: str  # prefix of every external_id this run creates
    out_dir: Path
    webhook_secret: str
    auth_kind: str  # "bearer" | "none"
    vendor_name: str = ""
    webhooks_supported: bool = True
    # preconfigured webhooks: the (host, port) an admin pointed the vendor at; None: register
    webhook_listen: tuple[str, int] | None = None
    webhooks_signed: bool = True  # False: the vendor file declares unsigned deliveries
    webhook_events: tuple[str, ...] = ("assigned",)  # what the vendor file says it delivers
    inbox: Any = None  # the preconfigured receiver, open from first use to the session's end
    # Every ticket a check created, and the ids no later wait needs to wait for (assigned,
    # finished or given up on): see :func:`harness.checks.settle.drain`.
    created: list[TicketRef] = field(default_factory=list)
    settled: set[str] = field(default_factory=set)
    altered: set[str] = field(default_factory=set)  # status changed: a list may hide them
    queues: dict[str, str] = field(default_factory=dict)  # the vendor file's category map


@dataclass(slots=True)
class CheckContext:
    check: Check
    session: Session
    measured: dict[str, Any] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    reproductions: list[str] = field(default_factory=list)
    _seq: int = 0

    @property
    def adapter(self) -> VendorAdapter:
        return self.session.adapter

    @property
    def client(self) -> CheckClient:
        return self.session.client

    @property
    def contract(self) -> Contract:
        return self.session.contract

    # building ------------------------------------------------------------------------------
    def external_id(self, label: str) -> str:
        return f"{self.session.run_tag}-{self.check.id.lower()}-{label}"

    def ticket(self, label: str, **changes: Any) -> Ticket:
        """A plain, valid ticket (no personal data) with a fresh external id."""
        self._seq += 1
        ext = self.external_id(label)
        values: dict[str, Any] = {
            "external_id": ext,
            "subject": f"验收测试 {self.check.id} {label}",
            "description": "订单已付款但一直没有发货，请帮忙查一下物流。",
            "channel": Channel.WEB,
            "priority": Priority.NORMAL,
            "category": "logistics",
            "customer": Customer(
                id=f"{ext}-c",
                name="验收客户",
                identities={Channel.WEB: channel_identity(Channel.WEB, f"{ext}-c")},
            ),
            "custom_fields": {},
        }
        values.update(changes)
        return Ticket(**values)

    # calling -------------------------------------------------------------------------------
    def require(self, *names: str) -> None:
        """Skip (never pass) unless the adapter offers every named optional operation."""
        missing = lacking(self.adapter, names)
        if missing:
            shown = ", ".join(f"{n} ({'/'.join(operation(n).methods)})" for n in missing)
            pytest.skip(f"{self.session.vendor_name or self.adapter.name} does not offer {shown}")

    def need(self, op: OptionalOperation[P]) -> P:
        """The adapter as the operation's protocol, or skip naming what it does not offer."""
        self.require(op.name)
        found: P = self.adapter  # type: ignore[assignment]
        return found

    def offers(self, op: OptionalOperation[Any]) -> bool:
        return self.offers_name(op.name)

    def offers_name(self, name: str) -> bool:
        return not lacking(self.adapter, [name])

    def cannot_send(self, what: str) -> None:
        """The adapter's request does not carry the value under test: skip, naming it."""
        pytest.skip(f"adapter {self.adapter.name} cannot send {what}")

    def run(self, flow: Flow[T]) -> T:
        return self.client.run(flow)

    def call(self, flow: Flow[T]) -> tuple[T, tuple[ApiRequest, ...]]:
        """Run ``flow``; also return every request it sent (for reproductions)."""
        result, exchanges = self.exchange(flow)
        return result, tuple(request for request, _ in exchanges)

    def exchange(self, flow: Flow[T]) -> tuple[T, list[tuple[ApiRequest, ApiResponse]]]:
        """Run ``flow``; also return every request with its response."""
        seen: list[tuple[ApiRequest, ApiResponse]] = []

        def send(request: ApiRequest) -> ApiResponse:
            response = self.client.send(request)
            seen.append((request, response))
            return response

        return run_flow(flow, send), seen

    def create(self, ticket: Ticket) -> tuple[TicketRef, tuple[ApiRequest, ...]]:
        ref, sent = self.call(self.adapter.create_ticket(ticket))
        self.session.created.append(ref)
        if ref.assignment is not None:
            self.session.settled.add(ref.id)
        return ref, sent

    # findings ------------------------------------------------------------------------------
    @staticmethod
    def record(ref: TicketRef | None, external_id: str = "") -> str:
        if ref is None:
            return f"ticket external_id {external_id}"
        return f"ticket {ref.id} (external_id {ref.external_id or external_id})"

    def mismatch(
        self,
        record: str,
        field: str,
        expected: object,
        received: object,
        requests: Sequence[ApiRequest] = (),
        note: str = "",
    ) -> None:
        if len(self.mismatches) < MAX_KEPT:
            self.mismatches.append(
                Mismatch(record, field, _show(expected), _show(received), tuple(requests), note)
            )

    def measure(self, name: str, value: Any) -> None:
        self.measured[name] = value

    def execute(self) -> None:
        """Run the check; an unexpected failed call is a finding too, with its reproduction."""
        try:
            self.check.func(self)
        except NotSupported as exc:
            pytest.skip(str(exc))
        except ApiFailure as failure:
            self.mismatch(
                f"request {failure.request.name}",
                "response",
                "a documented success",
                f"{failure.kind.value}: HTTP {failure.status}: {failure.detail}",
                (failure.request,),
            )
        self.verify()

    def verify(self) -> None:
        if not self.mismatches:
            return
        lines = [f"{len(self.mismatches)} problem(s) found by {self.check.id}:"]
        repro_dir = self.session.out_dir / "repro"
        for n, item in enumerate(self.mismatches):
            commands = [
                self.client.curl(req, repro_dir, f"{self.check.id}-{n + 1}-{k + 1}")
                for k, req in enumerate(item.requests)
            ]
            self.reproductions.append("\n".join(commands))
            if n >= MAX_SHOWN:
                continue
            lines.append(f"- {item.headline()}")
            lines.append(f"    Expected: {item.expected}")
            lines.append(f"    Received: {item.received}")
            if item.note:
                lines.append(f"    Note: {item.note}")
            if commands:
                lines.append("    Reproduce with:")
                lines += [f"      {command}" for command in commands]
        if len(self.mismatches) > MAX_SHOWN:
            lines.append(f"... and {len(self.mismatches) - MAX_SHOWN} more (see checks.json)")
        raise CheckFailed(self.mismatches, "\n".join(lines), self.reproductions)


_LONG = 120


def _show(value: object) -> str:
    if value is None:
        return "(missing)"
    text = value if isinstance(value, str) else repr(value)
    if isinstance(value, str):
        text = repr(value)
    if len(text) > _LONG:
        text = f"{text[:_LONG]}... ({len(str(value))} characters)"
    return re.sub(r"\s+", " ", text)
