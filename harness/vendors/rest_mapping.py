"""How the ``rest`` adapter maps between the harness's tickets and the vendor's answers, as the
vendor file's ``rest.ticket`` and ``rest.enums`` say: template values for requests, and answers
read into refs, states and assignments (sentinels, second requests, custom fields). No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from harness.config.rest import FieldRead, Operation, RestSpec, TicketFields
from harness.config.templates import PLACEHOLDER
from harness.model import Assignment, Priority, Ticket, TicketRef, TicketState, TicketStatus
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, FailureKind
from harness.vendors.capabilities import HistoricalTicket
from harness.vendors.common import protocol, read_enum
from harness.vendors.rest_support import (
    customer_email,
    html_text,
    listed_custom_fields,
    mapped,
    number,
    opt,
    reader,
    text,
)
from harness.vendors.templating import get_path

__all__ = ["TicketMapping"]

_ALL_CUSTOM = "ticket.custom_fields"


class TicketMapping:
    """The ``rest.ticket`` and ``rest.enums`` sections of one vendor file, applied."""

    def __init__(self, spec: RestSpec) -> None:
        self._spec = spec
        self.fields: TicketFields = spec.ticket
        self._reads: dict[str, FieldRead | None] = {
            name: spec.ticket.read(name)
            for name in TicketFields.model_fields
            if name not in ("id", "custom_fields", "custom_field_list")
        }
        self._reads["custom_fields"] = spec.ticket.custom_path()
        self._custom = spec.ticket.custom()
        self.second = spec.ticket.second_requests()
        self.write: dict[str, dict[str, Any]] = {
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

    def mapped_fields(self) -> list[str]:
        """Canonical ticket fields this file reads (named custom fields as custom_fields.<name>)."""
        names = [name for name, read in self._reads.items() if read is not None]
        if self.fields.custom_field_list is not None:
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
            for field, table in self.write.items()
            if field in ("priority", "status", "channel")
        }

    def custom_field_names(self) -> list[str] | None:
        """Custom fields this file both writes on create and reads back, by name; None: any
        name (the whole mapping goes out and comes back); empty: none at all."""
        written = _written_custom(self._spec.operations.create_ticket.request.body)
        reads_all = self._reads["custom_fields"] is not None or (
            self.fields.custom_field_list is not None
        )
        read = None if reads_all else list(self._custom or {})
        if written is None:
            return read
        if read is None:
            return written
        return [name for name in read if name in written]

    def categories(self) -> list[str]:
        """The scenario categories the file maps (``enums.category``), if any."""
        return list(self.write.get("category", {}))

    def ticket_values(self, ticket: Ticket) -> dict[str, Any]:
        return {
            "ticket.external_id": ticket.external_id,
            "ticket.subject": ticket.subject,
            "ticket.description": ticket.description,
            "ticket.description_html": html_text(ticket.description),
            "ticket.channel": mapped(self.write, "channel", ticket.channel),
            "ticket.priority": mapped(self.write, "priority", ticket.priority),
            "ticket.category": self.write.get("category", {}).get(ticket.category, ticket.category),
            "ticket.customer.id": ticket.customer.id,
            "ticket.customer.name": ticket.customer.name,
            "ticket.customer.email": customer_email(ticket.customer),
            "ticket.customer.identities": {
                k.value: v for k, v in ticket.customer.identities.items()
            },
            "ticket.custom_fields": dict(ticket.custom_fields),
            "idempotency_key": str(uuid.uuid5(uuid.NAMESPACE_URL, ticket.external_id)),
        }

    def history_values(self, item: HistoricalTicket) -> dict[str, Any]:
        return {
            **self.ticket_values(item.ticket),
            "ticket.status": mapped(self.write, "status", item.status),
            "ticket.created_at": item.created_at,
        }

    def result(self, op: Operation, request: ApiRequest, response: ApiResponse, body: Any) -> Any:
        item = get_path(body, op.result or "")
        if not isinstance(item, Mapping):
            where = f"at '{op.result}'" if op.result else "as the answer"
            raise protocol(request, response, f"expected an object {where}")
        return item

    def value(self, item: Any, name: str, extra: Mapping[str, Any] | None = None) -> Any:
        """Field ``name`` of ``item`` (or of its second request), None when absent."""
        read = self._reads[name]
        if read is None:
            return None
        if read.request is not None:
            found = (extra or {}).get(name)
        else:
            found = read.pick(opt(item, read.path))
        return None if read.absent(found) else found

    def ref(self, item: Any, request: ApiRequest, fallback_external: str) -> TicketRef:
        ticket_id = text(get_path(item, self.fields.id))
        if ticket_id is None:
            raise ApiFailure(
                FailureKind.PROTOCOL, request, None, f"no ticket id at '{self.fields.id}'"
            )
        external = text(self.value(item, "external_id")) or fallback_external
        assignment = None
        if "same_response" in self._spec.assignment.observe:
            assignment = self.assignment(item, ticket_id)
        return TicketRef(ticket_id, external, assignment)

    def free(self, field: str, value: Any) -> str | None:
        """A category or queue as the scenario names it (through ``enums``) or as it reads."""
        raw = text(value)
        return None if raw is None else self._read_free.get(field, {}).get(raw, raw)

    def assignment(self, item: Any, ticket_id: str) -> Assignment | None:
        agent = text(self.value(item, "assignee"))
        if not agent:
            return None
        return Assignment(
            ticket_id=ticket_id,
            agent_id=agent,
            queue=self.free("queue", self.value(item, "queue")),
            assigned_at=number(self.value(item, "assigned_at")),
            external_id=text(self.value(item, "external_id")),
        )

    def custom_fields(self, item: Any, extra: Mapping[str, Any]) -> dict[str, str]:
        if self.fields.custom_field_list is not None:
            return listed_custom_fields(self.fields.custom_field_list, item)
        if self._custom is None:
            custom = self.value(item, "custom_fields")
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

    def state(
        self,
        item: Any,
        request: ApiRequest,
        response: ApiResponse,
        extra: Mapping[str, Any] | None = None,
    ) -> TicketState:
        extra = extra or {}
        ref = self.ref(item, request, fallback_external="")
        raw_status = self.value(item, "status", extra)
        raw_priority = self.value(item, "priority", extra)
        assignee = text(self.value(item, "assignee", extra))
        status = (
            TicketStatus.NEW
            if raw_status is None
            else read_enum(TicketStatus, self._read_status, raw_status, request, response)
        )
        if assignee is None and str(raw_status) in self._status_unassigned:
            status = self._status_unassigned[str(raw_status)]
        return TicketState(
            ref=TicketRef(ref.id, ref.external_id, self.assignment(item, ref.id)),
            status=status,
            priority=(
                Priority.NORMAL
                if raw_priority is None
                else read_enum(Priority, self._read_priority, raw_priority, request, response)
            ),
            category=self.free("category", self.value(item, "category", extra)) or "",
            subject=text(self.value(item, "subject", extra)) or "",
            description=text(self.value(item, "description", extra)) or "",
            queue=self.free("queue", self.value(item, "queue", extra)),
            assignee=assignee,
            custom_fields=self.custom_fields(item, extra),
            requester=text(self.value(item, "requester", extra)),
        )


def _written_custom(template: Any) -> list[str] | None:
    """The custom fields a create template writes, by name; None: the whole mapping."""
    names: list[str] = []
    whole = False

    def walk(node: Any) -> None:
        nonlocal whole
        if isinstance(node, str):
            for match in PLACEHOLDER.finditer(node):
                name = match.group(1)
                if name == _ALL_CUSTOM:
                    whole = True
                elif name.startswith(_ALL_CUSTOM + ".") and name not in names:
                    names.append(name.removeprefix(_ALL_CUSTOM + "."))
        elif isinstance(node, Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(template)
    return None if whole else names
