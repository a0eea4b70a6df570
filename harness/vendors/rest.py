"""The declarative ``rest`` adapter: a vendor described by the ``rest:`` section of its YAML.

The schema is :mod:`harness.config.rest`; ``scenarios/vendors/sandbox-rest.yaml`` describes the
embedded sandbox with it, and a test checks that it measures what the native adapter measures.
"""

from __future__ import annotations

import hmac
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from harness.config.rest import (
    FieldRead,
    ImportOperation,
    ImportStatusOperation,
    ListOperation,
    Operation,
    RegisterWebhookOperation,
    RequestTemplate,
    RestSpec,
    TicketFields,
)
from harness.config.vendor import VendorSpec
from harness.model import (
    Assignment,
    Page,
    Priority,
    Ticket,
    TicketRef,
    TicketState,
    TicketStatus,
)
from harness.vendors.base import (
    ApiFailure,
    ApiRequest,
    ApiResponse,
    FailureKind,
    Flow,
    WebhookEvent,
    WebhookRejected,
    classify_status,
)
from harness.vendors.capabilities import HistoricalTicket, ImportJob, NotSupported, TicketChanges
from harness.vendors.common import check, page_of, protocol, read_enum
from harness.vendors.digests import sign
from harness.vendors.rest_paging import first_cursor, follow, next_cursor
from harness.vendors.rest_support import (
    classify_by_rules,
    customer_email,
    html_text,
    listed_custom_fields,
    mapped,
    message_bytes,
    number,
    opt,
    reader,
    since_values,
    text,
)
from harness.vendors.templating import MISSING, get_path, render, render_text

__all__ = ["RestAdapter"]

_ID_PLACEHOLDER = re.compile(r"\{(ref\.id|webhook\.id)\}")


class RestAdapter:
    """Speaks whatever API the vendor file's ``rest:`` section describes."""

    name: ClassVar[str] = "rest"

    def __init__(self, spec: RestSpec, vendor: str = "rest", base_url: str = "") -> None:
        self._spec = spec
        self._vendor = vendor
        self._base_path = "" if base_url == "embedded" else urlsplit(base_url).path
        self._fields: TicketFields = spec.ticket
        self._reads: dict[str, FieldRead | None] = {
            name: spec.ticket.read(name)
            for name in TicketFields.model_fields
            if name not in ("id", "custom_fields", "custom_field_list")
        }
        self._reads["custom_fields"] = spec.ticket.custom_path()
        self._custom = spec.ticket.custom()
        self._second = spec.ticket.second_requests()
        self._write: dict[str, dict[str, Any]] = {
            field: dict(mapping.write) for field, mapping in spec.enums.items()
        }
        self._read_status = reader(TicketStatus, spec, "status")
        self._read_priority = reader(Priority, spec, "priority")
        status_map = spec.enums.get("status")
        self._status_unassigned = {
            raw: TicketStatus(canonical)
            for raw, canonical in (status_map.unassigned if status_map else {}).items()
        }
        self._read_free = {
            field: {str(raw): name for name, raw in reversed(mapping.write.items())}
            | dict(mapping.read)
            for field, mapping in spec.enums.items()
            if field in ("category", "queue")
        }

    @classmethod
    def from_spec(cls, vendor: VendorSpec) -> RestAdapter:
        if vendor.rest is None:
            raise ValueError(f"vendor {vendor.name} has no rest section")
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
        names = [name for name, read in self._reads.items() if read is not None]
        if self._fields.custom_field_list is not None:
            names.append("custom_fields")
        if self._custom is not None:
            names = [n for n in names if n != "custom_fields"]
            names += [f"custom_fields.{name}" for name in self._custom]
        return names

    def enumerations(self) -> dict[str, list[str]]:
        """Canonical values per enumerated field, as the file's ``enums`` write maps declare
        (harness.vendors.enumerations); a field without a map is free text to the vendor."""
        return {
            field: list(table)
            for field, table in self._write.items()
            if field in ("priority", "status", "channel")
        }

    def custom_field_names(self) -> list[str]:
        return list(self._custom or {})

    def categories(self) -> list[str]:
        """The scenario categories the file maps (``enums.category``), if any."""
        return list(self._write.get("category", {}))

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
        values = self._ticket_values(ticket)
        request, response, body = yield from self._call(op, values)
        item = self._result(op, request, response, body)
        return self._ref(item, request, fallback_external=ticket.external_id)

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
            "changes.status": mapped(self._write, "status", changes.status),
            "changes.priority": mapped(self._write, "priority", changes.priority),
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
        lower = {key.lower(): value for key, value in headers.items()}
        signature = spec.signature
        sent_at: float | None = None
        if signature is not None and signature.timestamp_header:
            sent_at = _stamp(lower.get(signature.timestamp_header.lower(), ""))
        if signature is not None and secret is not None and signature.algorithm == "secret":
            supplied = lower.get(signature.header.lower(), "")
            if not supplied or not hmac.compare_digest(supplied, secret):
                raise WebhookRejected(f"missing or wrong {signature.header} header")
        elif signature is not None and secret is not None:
            supplied = lower.get(signature.header.lower(), "")
            timestamp = lower.get((signature.timestamp_header or "").lower(), "")
            message = message_bytes(signature.message, body, timestamp, secret)
            key = secret.encode() if signature.algorithm.startswith("hmac-") else None
            algorithm = signature.algorithm
            assert algorithm != "secret"
            expected = signature.prefix + sign(algorithm, message, key, signature.encoding)
            if not supplied or not hmac.compare_digest(supplied, expected):
                raise WebhookRejected("signature does not verify")
        try:
            event = json.loads(body)
        except ValueError:
            raise WebhookRejected("malformed delivery: body is not JSON") from None
        fields = spec.fields
        if fields.event_type is not None:
            if get_path(event, fields.event_type) not in fields.assigned_types:
                return None
        ticket_id = text(get_path(event, fields.ticket_id))
        agent_id = text(get_path(event, fields.agent_id))
        event_id = text(opt(event, fields.event_id))
        if fields.event_id_header is not None:
            event_id = lower.get(fields.event_id_header.lower()) or event_id
        if ticket_id is None or (event_id is None and fields.event_id is not None):
            raise WebhookRejected("malformed delivery: no event id or ticket id")
        if agent_id is None:
            return None  # unassigned again, or an event about something else
        if event_id is None:  # the vendor sends no delivery id
            event_id = f"{ticket_id}:{agent_id}"
        assignment = Assignment(
            ticket_id=ticket_id,
            agent_id=agent_id,
            queue=text(opt(event, fields.queue)),
            assigned_at=number(opt(event, fields.assigned_at)),
            external_id=text(opt(event, fields.external_id)),
        )
        return WebhookEvent(event_id, assignment, sent_at)

    # --- flows ------------------------------------------------------------------------------

    def _call(
        self, op: Operation | RequestTemplate, values: Mapping[str, Any], url: str | None = None
    ) -> Flow[tuple[ApiRequest, ApiResponse, Any]]:
        template = op if isinstance(op, RequestTemplate) else op.request
        path = str(render_text(template.path, values))
        query = {k: str(v) for k, v in render(template.query, values).items()}
        if url is not None:  # the next page's URL, as the vendor wrote it
            path, query = follow(url, self._base_path, path)
        headers = {k: str(v) for k, v in render(template.headers, values).items()}
        body = render(template.body, values) if template.body is not None else None
        name = template.name or f"{template.method} {_ID_PLACEHOLDER.sub('{id}', template.path)}"
        request = ApiRequest(template.method, path, name, json=body, params=query, headers=headers)
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
        item = self._result(op, request, response, body)
        extra: dict[str, Any] = {}
        for name, read in self._second.items():
            assert read.request is not None
            found = yield from self._call(read.request, values)
            extra[name] = read.pick(opt(found[2], read.path))
        return self._state(item, request, response, extra)

    def _fetch_assignment(self, op: Operation, ref: TicketRef) -> Flow[Assignment | None]:
        request, response, body = yield from self._call(
            op, {"ref.id": ref.id, "ref.external_id": ref.external_id}
        )
        item = self._result(op, request, response, body)
        return self._assignment(item, text(get_path(item, self._fields.id)) or ref.id)

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
        return page_of(items, lambda item: self._state(item, request, response), following)

    def _import(self, op: ImportOperation, tickets: Sequence[HistoricalTicket]) -> Flow[ImportJob]:
        job_ids: list[str] = []
        for start in range(0, len(tickets), op.batch):
            batch = tickets[start : start + op.batch]
            items = [render(op.item, self._history_values(item)) for item in batch]
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

    def _ticket_values(self, ticket: Ticket) -> dict[str, Any]:
        return {
            "ticket.external_id": ticket.external_id,
            "ticket.subject": ticket.subject,
            "ticket.description": ticket.description,
            "ticket.description_html": html_text(ticket.description),
            "ticket.channel": mapped(self._write, "channel", ticket.channel),
            "ticket.priority": mapped(self._write, "priority", ticket.priority),
            "ticket.category": self._write.get("category", {}).get(
                ticket.category, ticket.category
            ),
            "ticket.customer.id": ticket.customer.id,
            "ticket.customer.name": ticket.customer.name,
            "ticket.customer.email": customer_email(ticket.customer),
            "ticket.customer.identities": {
                k.value: v for k, v in ticket.customer.identities.items()
            },
            "ticket.custom_fields": dict(ticket.custom_fields),
            "idempotency_key": str(uuid.uuid5(uuid.NAMESPACE_URL, ticket.external_id)),
        }

    def _history_values(self, item: HistoricalTicket) -> dict[str, Any]:
        return {
            **self._ticket_values(item.ticket),
            "ticket.status": mapped(self._write, "status", item.status),
            "ticket.created_at": item.created_at,
        }

    def _result(self, op: Operation, request: ApiRequest, response: ApiResponse, body: Any) -> Any:
        item = get_path(body, op.result or "")
        if not isinstance(item, Mapping):
            where = f"at '{op.result}'" if op.result else "as the answer"
            raise protocol(request, response, f"expected an object {where}")
        return item

    def _value(self, item: Any, name: str, extra: Mapping[str, Any] | None = None) -> Any:
        """Field ``name`` of ``item`` (or of its second request), None when absent."""
        read = self._reads[name]
        if read is None:
            return None
        if read.request is not None:
            found = (extra or {}).get(name)
        else:
            found = read.pick(opt(item, read.path))
        return None if read.absent(found) else found

    def _ref(self, item: Any, request: ApiRequest, fallback_external: str) -> TicketRef:
        ticket_id = text(get_path(item, self._fields.id))
        if ticket_id is None:
            raise ApiFailure(
                FailureKind.PROTOCOL, request, None, f"no ticket id at '{self._fields.id}'"
            )
        external = text(self._value(item, "external_id")) or fallback_external
        assignment = None
        if "same_response" in self._spec.assignment.observe:
            assignment = self._assignment(item, ticket_id)
        return TicketRef(ticket_id, external, assignment)

    def _free(self, field: str, value: Any) -> str | None:
        """A category or queue as the scenario names it (through ``enums``) or as it reads."""
        raw = text(value)
        return None if raw is None else self._read_free.get(field, {}).get(raw, raw)

    def _assignment(self, item: Any, ticket_id: str) -> Assignment | None:
        agent = text(self._value(item, "assignee"))
        if not agent:
            return None
        return Assignment(
            ticket_id=ticket_id,
            agent_id=agent,
            queue=self._free("queue", self._value(item, "queue")),
            assigned_at=number(self._value(item, "assigned_at")),
            external_id=text(self._value(item, "external_id")),
        )

    def _custom_fields(self, item: Any, extra: Mapping[str, Any]) -> dict[str, str]:
        if self._fields.custom_field_list is not None:
            return listed_custom_fields(self._fields.custom_field_list, item)
        if self._custom is None:
            custom = self._value(item, "custom_fields")
            if not isinstance(custom, Mapping):
                return {}
            return {str(k): str(v) for k, v in custom.items() if v is not None}
        found: dict[str, str] = {}
        for name, read in self._custom.items():
            key = f"custom_fields.{name}"
            value = extra.get(key) if read.request is not None else read.pick(opt(item, read.path))
            if not read.absent(value) and value != "":
                found[name] = str(value)
        return found

    def _state(
        self,
        item: Any,
        request: ApiRequest,
        response: ApiResponse,
        extra: Mapping[str, Any] | None = None,
    ) -> TicketState:
        extra = extra or {}
        ref = self._ref(item, request, fallback_external="")
        raw_status = self._value(item, "status", extra)
        raw_priority = self._value(item, "priority", extra)
        assignee = text(self._value(item, "assignee", extra))
        status = (
            TicketStatus.NEW
            if raw_status is None
            else read_enum(TicketStatus, self._read_status, raw_status, request, response)
        )
        if assignee is None and str(raw_status) in self._status_unassigned:
            status = self._status_unassigned[str(raw_status)]
        return TicketState(
            ref=TicketRef(ref.id, ref.external_id, self._assignment(item, ref.id)),
            status=status,
            priority=(
                Priority.NORMAL
                if raw_priority is None
                else read_enum(Priority, self._read_priority, raw_priority, request, response)
            ),
            category=self._free("category", self._value(item, "category", extra)) or "",
            subject=text(self._value(item, "subject", extra)) or "",
            description=text(self._value(item, "description", extra)) or "",
            queue=self._free("queue", self._value(item, "queue", extra)),
            assignee=assignee,
            custom_fields=self._custom_fields(item, extra),
            requester=text(self._value(item, "requester", extra)),
        )


def _stamp(text: str) -> float | None:
    """A signed delivery timestamp, Unix seconds or ISO 8601 (Zendesk), as Unix seconds."""
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None
