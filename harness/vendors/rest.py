"""The declarative ``rest`` adapter: a vendor described by the ``rest:`` section of its YAML.

The schema is :mod:`harness.config.rest`; ``scenarios/vendors/sandbox-rest.yaml`` describes the
embedded sandbox with it, and a test checks that it measures what the native adapter measures.
This module holds the operations and their request flows; :mod:`harness.vendors.rest_mapping`
reads answers into tickets, :mod:`harness.vendors.rest_webhook` reads deliveries and
:mod:`harness.vendors.rest_paging` finds the next page; a file with ``rest.chat`` builds
:class:`~harness.vendors.rest_chat.RestChatAdapter`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

from harness.config.rest import (
    ImportOperation,
    ImportStatusOperation,
    ListOperation,
    Operation,
    RegisterWebhookOperation,
    RequestTemplate,
    RestSpec,
)
from harness.config.vendor import VendorSpec
from harness.model import (
    Assignment,
    Page,
    Ticket,
    TicketRef,
    TicketState,
)
from harness.vendors.base import (
    ApiFailure,
    ApiRequest,
    ApiResponse,
    Flow,
    WebhookEvent,
    WebhookRejected,
    classify_status,
)
from harness.vendors.capabilities import HistoricalTicket, ImportJob, NotSupported, TicketChanges
from harness.vendors.common import check, page_of, protocol
from harness.vendors.rest_mapping import TicketMapping
from harness.vendors.rest_paging import first_cursor, follow, next_cursor
from harness.vendors.rest_support import (
    classify_by_rules,
    mapped,
    opt,
    since_values,
    text,
)
from harness.vendors.rest_webhook import parse_delivery
from harness.vendors.templating import MISSING, get_path, render, render_text

__all__ = ["RestAdapter"]


class _Requesting(Protocol):
    """Anything of the file with a request template (operations, chat operations)."""

    @property
    def request(self) -> RequestTemplate: ...


_ID_PLACEHOLDER = re.compile(r"\{(ref\.id|webhook\.id)\}")


class RestAdapter:
    """Speaks whatever API the vendor file's ``rest:`` section describes."""

    name: ClassVar[str] = "rest"

    def __init__(self, spec: RestSpec, vendor: str = "rest", base_url: str = "") -> None:
        self._spec = spec
        self._vendor = vendor
        self._base_path = "" if base_url == "embedded" else urlsplit(base_url).path
        self._map = TicketMapping(spec)

    @classmethod
    def from_spec(cls, vendor: VendorSpec) -> RestAdapter:
        if vendor.rest is None:
            raise ValueError(f"vendor {vendor.name} has no rest section")
        if vendor.rest.chat is not None:  # only then a ChatAdapter (isinstance tells)
            from harness.vendors.rest_chat import RestChatAdapter

            return RestChatAdapter(vendor.rest, vendor.name, vendor.base_url, vendor.queues)
        return cls(vendor.rest, vendor.name, vendor.base_url)

    def capabilities(self) -> list[str]:
        """The optional operations the vendor file describes (harness.vendors.capabilities)."""
        ops = self._spec.operations
        polling = "polling" in self._spec.assignment.observe
        return [
            name
            for name, present in (
                ("list", ops.list_tickets is not None),
                ("webhooks", ops.register_webhook is not None),
                (
                    "poll-assignment",
                    polling and (ops.fetch_assignment or ops.get_ticket) is not None,
                ),
                ("update", ops.update_ticket is not None),
                ("bulk-import", ops.import_tickets is not None),
                ("export", ops.export_tickets is not None),
            )
            if present
        ]

    def mapped_fields(self) -> list[str]:
        """Canonical ticket fields this file reads (named custom fields as custom_fields.<name>)."""
        return self._map.mapped_fields()

    def enumerations(self) -> dict[str, list[str]]:
        """Canonical values per enumerated field (harness.vendors.enumerations)."""
        return self._map.enumerations()

    def custom_field_names(self) -> list[str]:
        return self._map.custom_field_names()

    def categories(self) -> list[str]:
        """The scenario categories the file maps (``enums.category``), if any."""
        return self._map.categories()

    @property
    def max_batch(self) -> int:
        op = self._spec.operations.import_tickets
        return op.batch if op is not None else 1

    # --- classification ---------------------------------------------------------------------

    def classify(self, request: ApiRequest, response: ApiResponse) -> ApiFailure | None:
        """The first matching ``errors`` rule, else plain HTTP status classification."""
        failure = classify_by_rules(self._spec.errors, request, response)
        return failure if failure is not None else classify_status(request, response)

    # --- operations -------------------------------------------------------------------------

    def create_ticket(self, ticket: Ticket) -> Flow[TicketRef]:
        op = self._spec.operations.create_ticket
        values = self._map.ticket_values(ticket)
        request, response, body = yield from self._call(op, values)
        item = self._map.result(op, request, response, body)
        return self._map.ref(item, request, fallback_external=ticket.external_id)

    def get_ticket(self, ref: TicketRef) -> Flow[TicketState]:
        op = self._require("get_ticket")
        return self._read_one(op, ref)

    def fetch_assignment(self, ref: TicketRef) -> Flow[Assignment | None]:
        ops = self._spec.operations
        op = ops.fetch_assignment or ops.get_ticket
        if op is None or "polling" not in self._spec.assignment.observe:
            raise NotSupported(self._vendor, "fetch_assignment", "add assignment.observe polling")
        return self._fetch_assignment(op, ref)

    def update_ticket(self, ref: TicketRef, changes: TicketChanges) -> Flow[TicketState]:
        op = self._require("update_ticket")
        values = {
            "ref.id": ref.id,
            "ref.external_id": ref.external_id,
            "changes.status": mapped(self._map.write, "status", changes.status),
            "changes.priority": mapped(self._map.write, "priority", changes.priority),
            "changes.subject": changes.subject,
        }
        return self._read_one(op, ref, values)

    def list_tickets(self, cursor: str | None, limit: int) -> Flow[Page[TicketState]]:
        op = self._spec.operations.list_tickets
        if op is None:
            raise self._unsupported("list_tickets")
        return self._page(op, cursor, limit, {})

    def export_tickets(
        self, since: float | None, cursor: str | None, limit: int
    ) -> Flow[Page[TicketState]]:
        op = self._spec.operations.export_tickets
        if op is None:
            raise self._unsupported("export_tickets")
        return self._page(op, cursor, limit, since_values(since))

    def import_tickets(self, tickets: Sequence[HistoricalTicket]) -> Flow[ImportJob]:
        op = self._spec.operations.import_tickets
        if op is None:
            raise self._unsupported("import_tickets")
        return self._import(op, tickets)

    def import_status(self, job_id: str) -> Flow[ImportJob]:
        op = self._spec.operations.import_status
        if op is None:
            raise self._unsupported("import_status")
        return self._import_status(op, job_id)

    def register_webhook(self, url: str, secret: str) -> Flow[str]:
        op = self._spec.operations.register_webhook
        if op is None:
            raise self._unsupported("register_webhook")
        return self._register(op, url, secret)

    def unregister_webhook(self, webhook_id: str) -> Flow[None]:
        op = self._require("unregister_webhook")
        return self._unregister(op, webhook_id)

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, secret: str | None
    ) -> WebhookEvent | None:
        spec = self._spec.webhook
        if spec is None:
            raise WebhookRejected(f"{self._vendor} describes no webhook section")
        return parse_delivery(spec, headers, body, secret)

    # --- flows ------------------------------------------------------------------------------

    def _call(
        self,
        op: _Requesting | RequestTemplate,
        values: Mapping[str, Any],
        url: str | None = None,
        *,
        previous_accepted: bool = False,
    ) -> Flow[tuple[ApiRequest, ApiResponse, Any]]:
        template = op if isinstance(op, RequestTemplate) else op.request
        path = str(render_text(template.path, values))
        query = {k: str(v) for k, v in render(template.query, values).items()}
        if url is not None:  # the next page's URL, as the vendor wrote it
            path, query = follow(url, self._base_path, path)
        headers = {k: str(v) for k, v in render(template.headers, values).items()}
        body = render(template.body, values) if template.body is not None else None
        name = template.name or f"{template.method} {_ID_PLACEHOLDER.sub('{id}', template.path)}"
        request = ApiRequest(
            template.method, path, name, json=body, params=query, headers=headers,
            previous_accepted=previous_accepted,
        )  # fmt: skip
        response = yield request
        return request, response, check(request, response, self.classify)

    def _read_one(
        self, op: Operation, ref: TicketRef, values: Mapping[str, Any] | None = None
    ) -> Flow[TicketState]:
        values = values or {"ref.id": ref.id, "ref.external_id": ref.external_id}
        request, response, body = yield from self._call(op, values)
        if op.result is None:  # the answer holds no ticket (a list of messages): read it back
            get = self._require("get_ticket")
            request, response, body = yield from self._call(get, values)
            op = get
        item = self._map.result(op, request, response, body)
        extra: dict[str, Any] = {}
        for name, read in self._map.second.items():
            assert read.request is not None
            found = yield from self._call(read.request, values)
            extra[name] = read.pick(opt(found[2], read.path))
        return self._map.state(item, request, response, extra)

    def _fetch_assignment(self, op: Operation, ref: TicketRef) -> Flow[Assignment | None]:
        request, response, body = yield from self._call(
            op, {"ref.id": ref.id, "ref.external_id": ref.external_id}
        )
        item = self._map.result(op, request, response, body)
        return self._map.assignment(item, text(get_path(item, self._map.fields.id)) or ref.id)

    def _page(
        self, op: ListOperation, cursor: str | None, limit: int, extra: Mapping[str, Any]
    ) -> Flow[Page[TicketState]]:
        paging = op.pagination
        url = cursor if paging.style in ("url", "link") else None
        given = cursor
        if cursor is None:
            cursor = first_cursor(paging)
        values = {"cursor": None if url else cursor, "limit": limit, **extra}
        template = op.request
        if given is not None and url is None and op.next_request is not None:
            template = op.next_request  # a following page, when it is asked differently
        request, response, body = yield from self._call(template, values, url)
        items = get_path(body, op.items)
        if not isinstance(items, list):
            where = f"at '{op.items}'" if op.items else "as the answer"
            raise protocol(request, response, f"expected a list {where}")
        following = next_cursor(paging, body, response.headers, cursor, len(items), limit)
        return page_of(items, lambda item: self._map.state(item, request, response), following)

    def _import(self, op: ImportOperation, tickets: Sequence[HistoricalTicket]) -> Flow[ImportJob]:
        job_ids: list[str] = []
        for start in range(0, len(tickets), op.batch):
            batch = tickets[start : start + op.batch]
            items = [render(op.item, self._map.history_values(item)) for item in batch]
            request, response, body = yield from self._call(op, {"tickets": items})
            found = get_path(body, op.job_id)
            if found in (MISSING, None, ""):
                raise protocol(request, response, f"no job id at '{op.job_id}'")
            job_ids.append(str(found))
        return ImportJob(job_ids=tuple(job_ids), done=False)

    def _import_status(self, op: ImportStatusOperation, job_id: str) -> Flow[ImportJob]:
        request, response, body = yield from self._call(op, {"job.id": job_id})
        state = get_path(body, op.status)
        if state is MISSING:
            raise protocol(request, response, f"no job status at '{op.status}'")
        created: list[tuple[int, str]] = []
        failed: list[tuple[int, str]] = []
        results = get_path(body, op.results) if op.results is not None else None
        for position, result in enumerate(results if isinstance(results, list) else []):
            index = get_path(result, op.index)
            at = int(index) if isinstance(index, int | str) and str(index).isdigit() else position
            error = text(opt(result, op.error))
            ticket_id = text(opt(result, op.id))
            if error is not None or ticket_id is None:
                failed.append((at, error or "no id"))
            else:
                created.append((at, ticket_id))
        return ImportJob((job_id,), state in op.done, tuple(created), tuple(failed))

    def _register(self, op: RegisterWebhookOperation, url: str, secret: str) -> Flow[str]:
        values = {"webhook.url": url, "webhook.secret": secret}
        request, response, body = yield from self._call(op, values)
        found = get_path(body, op.id)
        if found in (MISSING, None, ""):
            raise protocol(request, response, f"no webhook id at '{op.id}'")
        return str(found)

    def _unregister(self, op: Operation, webhook_id: str) -> Flow[None]:
        yield from self._call(op, {"webhook.id": webhook_id})

    # --- mapping ----------------------------------------------------------------------------

    def _require(self, operation: str) -> Operation:
        op: Operation | None = getattr(self._spec.operations, operation)
        if op is None:
            raise self._unsupported(operation)
        return op

    def _unsupported(self, operation: str) -> NotSupported:
        reason = self._spec.unsupported.get(operation)
        return NotSupported(
            self._vendor, operation, reason or f"describe it under rest.operations.{operation}"
        )
