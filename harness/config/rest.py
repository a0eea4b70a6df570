"""The ``rest:`` section of a vendor file: a whole vendor API described without Python.

``scenarios/vendors/sandbox-rest.yaml`` is the worked example; the README's "Add your vendor"
guide walks through it. The parts:

- ``operations``: one request template per adapter operation (``create_ticket`` is required;
  ``get_ticket``, ``fetch_assignment``, ``update_ticket``, ``list_tickets``,
  ``export_tickets``, ``import_tickets`` + ``import_status``, ``register_webhook``,
  ``unregister_webhook`` are optional), each with
  where its result sits in the answer (``result``), and for listings the pagination style.
- ``ticket``: response field paths (``assignee``, ``via.channel``, ``items.0.id``) -> canonical
  ticket fields.
- ``enums``: canonical value -> vendor value for priority, status and channel; read back by
  reverse lookup (``read`` adds vendor values that have no canonical twin).
- ``errors``: ordered rules on HTTP status and/or a body field (``code != 1000``) -> failure
  kind (throttled / client / server / protocol); the first match wins, then plain HTTP status.
- ``assignment.observe``: how routing is seen: ``same_response`` (the create answer carries
  it), ``polling`` (a field of the ticket), ``webhook`` (see ``webhook``).
- ``webhook``: signature scheme and where the event's fields are.
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError, Loc
from harness.config.suggest import did_you_mean
from harness.config.templates import check as check_template
from harness.config.templates import walk_strings

__all__ = [
    "OPERATION_PLACEHOLDERS",
    "AssignmentSpec",
    "BodyMatch",
    "ErrorRule",
    "ImportOperation",
    "ImportStatusOperation",
    "ListOperation",
    "Operation",
    "Operations",
    "Pagination",
    "RegisterWebhookOperation",
    "RequestTemplate",
    "RestSpec",
    "TicketFields",
    "WebhookFields",
    "WebhookSignature",
    "WebhookSpec",
]

Scalar = str | int | bool
_PATH = re.compile(r"^[A-Za-z0-9_\-$@]+(\.[A-Za-z0-9_\-$@]+)*$")

_TICKET = (
    "ticket.external_id", "ticket.subject", "ticket.description", "ticket.channel",
    "ticket.priority", "ticket.category", "ticket.customer.id", "ticket.customer.name",
    "ticket.customer.identities", "ticket.customer.identities.*", "ticket.custom_fields",
    "ticket.custom_fields.*", "idempotency_key",
)  # fmt: skip
_REF = ("ref.id", "ref.external_id")
OPERATION_PLACEHOLDERS: Final[dict[str, tuple[str, ...]]] = {
    "create_ticket": _TICKET,
    "get_ticket": _REF,
    "fetch_assignment": _REF,
    "update_ticket": (*_REF, "changes.status", "changes.priority", "changes.subject"),
    "list_tickets": ("cursor", "limit"),
    "export_tickets": ("cursor", "limit", "since"),
    "import_tickets": ("tickets",),
    "import_status": ("job.id",),
    "register_webhook": ("webhook.url", "webhook.secret"),
    "unregister_webhook": ("webhook.id",),
}


def _check_path(value: str) -> str:
    if value and not _PATH.match(value):
        raise ValueError(
            f"'{value}' is not a field path; write dotted keys and list indexes such as "
            "'ticket.id' or 'results.0.id' ('' means the whole answer)"
        )
    return value


FieldPath = Annotated[str, AfterValidator(_check_path)]


class RequestTemplate(StrictModel):
    """One HTTP request; strings may hold ``{placeholders}`` (see the module docstring)."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = Field(examples=["POST"])
    path: str = Field(min_length=1, examples=["/api/v2/tickets"])
    name: str | None = Field(
        default=None, description="Stats name; defaults to 'METHOD path' with ids left out."
    )
    query: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    body: dict[str, object] | list[object] | None = None

    @model_validator(mode="after")
    def _path_shape(self) -> Self:
        if not self.path.startswith("/"):
            raise ConfigValueError.at(
                ("path",), f"must start with '/', relative to base_url: write '/{self.path}'"
            )
        if self.body is not None and self.method in ("GET", "DELETE"):
            raise ConfigValueError.at(("body",), f"a {self.method} request has no body")
        return self


class Operation(StrictModel):
    request: RequestTemplate
    result: FieldPath = Field(
        default="", description="Where the ticket (or result) is in the answer; '' = all of it."
    )


class Pagination(StrictModel):
    """``cursor``: the answer names the next cursor (``next``) or says it ended (``end``);
    ``page``: page numbers from ``first``; ``offset``: item offsets. Put ``{cursor}`` in the
    request's query where the cursor, page number or offset goes."""

    style: Literal["cursor", "page", "offset"] = Field(examples=["cursor"])
    next: FieldPath | None = Field(default=None, examples=["next_cursor"])
    end: FieldPath | None = Field(default=None, examples=["end_of_stream"])
    first: int = Field(default=1, ge=0, description="First page number (page style).")

    @model_validator(mode="after")
    def _cursor_needs_next(self) -> Self:
        if self.style == "cursor" and self.next is None:
            raise ConfigValueError.at(
                ("next",), "cursor pagination needs 'next': the answer field with the next cursor"
            )
        if self.style != "cursor" and self.next is not None:
            raise ConfigValueError.at(
                ("next",), f"only for style: cursor; {self.style} pagination counts by itself"
            )
        return self


class ListOperation(Operation):
    items: FieldPath = Field(examples=["tickets"], description="Where the list of tickets is.")
    pagination: Pagination


class RegisterWebhookOperation(Operation):
    id: FieldPath = Field(examples=["webhook.id"], description="Where the new webhook's id is.")


class ImportOperation(Operation):
    """Asynchronous bulk create: ``{tickets}`` in the request body becomes the batch, each
    ticket rendered through ``item`` (the create_ticket placeholders)."""

    item: dict[str, object] = Field(examples=[{"subject": "{ticket.subject}"}])
    batch: int = Field(default=100, ge=1, le=10000, description="Tickets per request.")
    job_id: FieldPath = Field(examples=["job_status.id"], description="Where the job id is.")

    @model_validator(mode="after")
    def _item_placeholders(self) -> Self:
        problem = check_template(self.item, _TICKET)
        if problem:
            raise ConfigValueError.at(("item",), problem)
        if not any("{tickets}" in text for text in walk_strings(self.request.body)):
            raise ConfigValueError.at(
                ("request", "body"), "put \"{tickets}\" where the batch goes, e.g. "
                "'body: {tickets: \"{tickets}\"}'"
            )  # fmt: skip
        return self


class ImportStatusOperation(Operation):
    """Polls one import job: ``{job.id}``; ``done`` lists the states that end it."""

    status: FieldPath = Field(examples=["job_status.status"])
    done: list[Scalar] = Field(min_length=1, examples=[["completed", "failed", "killed"]])
    results: FieldPath | None = Field(default=None, examples=["job_status.results"])
    index: FieldPath = Field(default="index", description="In one result: its input position.")
    id: FieldPath = Field(default="id", description="In one result: the created ticket's id.")
    error: FieldPath = Field(default="error", description="In one result: why it failed.")


class Operations(StrictModel):
    create_ticket: Operation
    get_ticket: Operation | None = None
    fetch_assignment: Operation | None = None
    update_ticket: Operation | None = None
    list_tickets: ListOperation | None = None
    export_tickets: ListOperation | None = None
    import_tickets: ImportOperation | None = None
    import_status: ImportStatusOperation | None = None
    register_webhook: RegisterWebhookOperation | None = None
    unregister_webhook: Operation | None = None

    @model_validator(mode="after")
    def _placeholders(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        for name, allowed in OPERATION_PLACEHOLDERS.items():
            operation = getattr(self, name)
            if operation is None:
                continue
            request = operation.request
            for part in ("path", "query", "headers", "body"):
                problem = check_template(getattr(request, part), allowed)
                if problem:
                    problems.append(((name, "request", part), problem))
        if (self.import_tickets is None) != (self.import_status is None):
            problems.append((("import_tickets",), "import_tickets and import_status go together"))
        if (self.register_webhook is None) != (self.unregister_webhook is None):
            problems.append(
                (("register_webhook",), "register_webhook and unregister_webhook go together")
            )
        if problems:
            raise ConfigValueError(problems)
        return self


class TicketFields(StrictModel):
    """Field paths inside one ticket object of the vendor's answers."""

    id: FieldPath = Field(examples=["id"])
    external_id: FieldPath | None = Field(default=None, examples=["external_id"])
    subject: FieldPath | None = None
    description: FieldPath | None = None
    status: FieldPath | None = None
    priority: FieldPath | None = None
    channel: FieldPath | None = None
    category: FieldPath | None = None
    queue: FieldPath | None = None
    assignee: FieldPath | None = None
    assigned_at: FieldPath | None = None
    custom_fields: FieldPath | None = None


_CANONICAL: Final[dict[str, tuple[str, ...]]] = {
    "priority": ("low", "normal", "high", "urgent"),
    "status": ("new", "open", "pending", "solved", "closed"),
    "channel": ("web", "email", "phone", "chat", "wechat", "app", "weibo"),
}


class EnumMap(StrictModel):
    write: dict[str, Scalar] = Field(description="Canonical value -> vendor value.")
    read: dict[str, str] = Field(
        default_factory=dict, description="Extra vendor value (as text) -> canonical value."
    )


class BodyMatch(StrictModel):
    """A test on one field of the answer body; exactly one of the four comparisons."""

    path: FieldPath = Field(examples=["code"])
    equals: Scalar | None = None
    not_equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        given = [v for v in (self.equals, self.not_equals, self.in_, self.not_in) if v is not None]
        if len(given) != 1:
            raise ConfigValueError.at(
                ("path",), "write exactly one of equals, not_equals, in, not_in (e.g. "
                "'not_equals: 1000')"
            )  # fmt: skip
        return self


_STATUS = re.compile(r"^[1-5]xx$")


class ErrorRule(StrictModel):
    status: int | str | list[int] | None = Field(default=None, examples=[429])
    body: BodyMatch | None = None
    kind: Literal["throttled", "client", "server", "protocol"] = Field(examples=["throttled"])
    message: FieldPath | None = Field(default=None, description="Where the error text is.")
    retry_after: str = Field(
        default="retry-after", description="Header with the seconds to wait (throttled answers)."
    )

    @model_validator(mode="after")
    def _status_shape(self) -> Self:
        if isinstance(self.status, str) and not _STATUS.match(self.status):
            raise ConfigValueError.at(
                ("status",), f"'{self.status}' is not a status; write 429, [403, 429] or '4xx'"
            )
        if self.status is None and self.body is None:
            raise ConfigValueError.at(
                ("kind",), "a rule needs status, body or both; otherwise it matches everything"
            )
        return self


class AssignmentSpec(StrictModel):
    observe: list[Literal["same_response", "polling", "webhook"]] = Field(
        min_length=1, examples=[["polling"]]
    )


class WebhookSignature(StrictModel):
    algorithm: Literal["hmac-sha256", "hmac-sha1", "sha1", "sha256", "md5"] = Field(
        examples=["hmac-sha256"]
    )
    header: str = Field(min_length=1, examples=["x-zendesk-webhook-signature"])
    timestamp_header: str | None = Field(default=None, examples=["x-zendesk-webhook-timestamp"])
    message: str = Field(min_length=1, examples=["{timestamp}{body}"])
    encoding: Literal["hex", "base64"] = "hex"
    prefix: str = Field(default="", examples=["sha256="])

    @model_validator(mode="after")
    def _placeholders(self) -> Self:
        allowed = ["body", "secret"] + (["timestamp"] if self.timestamp_header else [])
        problem = check_template(self.message, allowed)
        if problem:
            raise ConfigValueError.at(("message",), problem)
        return self


class WebhookFields(StrictModel):
    """Field paths in one delivery's JSON body."""

    event_id: FieldPath = Field(examples=["id"])
    event_type: FieldPath | None = Field(default=None, examples=["type"])
    assigned_types: list[str] = Field(default_factory=list, examples=[["ticket.assigned"]])
    ticket_id: FieldPath = Field(examples=["data.ticket_id"])
    agent_id: FieldPath = Field(examples=["data.agent_id"])
    queue: FieldPath | None = None
    assigned_at: FieldPath | None = None
    external_id: FieldPath | None = None

    @model_validator(mode="after")
    def _types_with_type(self) -> Self:
        if bool(self.assigned_types) != (self.event_type is not None):
            raise ConfigValueError.at(
                ("assigned_types",), "event_type and assigned_types go together"
            )
        return self


class WebhookSpec(StrictModel):
    signature: WebhookSignature | None = Field(
        default=None, description="Leave out for unsigned vendors (deliveries are not verified)."
    )
    fields: WebhookFields


class RestSpec(StrictModel):
    operations: Operations
    ticket: TicketFields
    enums: dict[str, EnumMap] = Field(default_factory=dict)
    errors: list[ErrorRule] = Field(default_factory=list)
    assignment: AssignmentSpec
    webhook: WebhookSpec | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        for field, mapping in self.enums.items():
            canonical = _CANONICAL.get(field)
            if canonical is None:
                hint = did_you_mean(field, _CANONICAL)
                problems.append(
                    (("enums", field), f"unknown enumeration.{hint} Known: {', '.join(_CANONICAL)}")
                )
                continue
            valid = (
                f"Valid: {', '.join(canonical)}; write canonical: vendor pairs such as "
                f"'{canonical[1]}: 2'"
            )
            problems.extend(
                (("enums", field, "write", key),
                 f"'{key}' is not a canonical {field}.{did_you_mean(key, canonical)} {valid}")
                for key in mapping.write
                if key not in canonical
            )  # fmt: skip
            problems.extend(
                (("enums", field, "read", raw),
                 f"'{value}' is not a canonical {field}.{did_you_mean(value, canonical)} {valid}")
                for raw, value in mapping.read.items()
                if value not in canonical
            )  # fmt: skip
            missing = [value for value in canonical if value not in mapping.write]
            if field != "status" and missing and not problems:
                problems.append(
                    (("enums", field, "write"),
                     f"every canonical {field} needs a vendor value; add: {', '.join(missing)}")
                )  # fmt: skip
        ops = self.operations
        observe = self.assignment.observe
        if "polling" in observe and ops.fetch_assignment is None and ops.get_ticket is None:
            problems.append(
                (("assignment", "observe"),
                 "'polling' needs operations.get_ticket or operations.fetch_assignment; add e.g. "
                 "'get_ticket: {request: {method: GET, path: \"/tickets/{ref.id}\"}}'")
            )  # fmt: skip
        if (self.ticket.assignee is None) and ("polling" in observe or "same_response" in observe):
            problems.append(
                (("ticket",), "add 'assignee: <field path>': polling and same_response read it")
            )
        if "webhook" in observe:
            if self.webhook is None:
                problems.append((("assignment", "observe"), "'webhook' needs a webhook section"))
            if ops.register_webhook is None:
                problems.append(
                    (("assignment", "observe"),
                     "'webhook' needs operations.register_webhook and unregister_webhook")
                )  # fmt: skip
        if problems:
            raise ConfigValueError(problems)
        return self
