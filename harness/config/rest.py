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
- ``chat``: live-chat sessions on both sides of the desk (:mod:`harness.config.rest_chat`).
"""

from __future__ import annotations

import re
from typing import Final, Literal, Self

from pydantic import Field, model_validator

from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError, Loc
from harness.config.rest_chat import ChatSpec
from harness.config.rest_fields import FieldRead, FieldSpec, TicketFields
from harness.config.rest_operations import (
    OPERATION_PLACEHOLDERS,
    FieldPath,
    ImportOperation,
    ImportStatusOperation,
    ListOperation,
    Operation,
    Operations,
    Pagination,
    RegisterWebhookOperation,
    RequestTemplate,
    Scalar,
    check_path,
)
from harness.config.suggest import did_you_mean
from harness.config.templates import check as check_template

__all__ = [
    "OPERATION_PLACEHOLDERS",
    "AssignmentSpec",
    "BodyMatch",
    "ChatSpec",
    "ErrorRule",
    "FieldRead",
    "FieldSpec",
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


_CANONICAL: Final[dict[str, tuple[str, ...]]] = {
    "priority": ("low", "normal", "high", "urgent"),
    "status": ("new", "open", "pending", "solved", "closed"),
    "channel": ("web", "email", "phone", "chat", "wechat", "app", "weibo"),
}
# Free-form names (the scenario's categories, the vendor's queues): any key, no completeness.
_FREE_FORM: Final = ("category", "queue")


class EnumMap(StrictModel):
    write: dict[str, Scalar] = Field(description="Canonical value -> vendor value.")
    read: dict[str, str] = Field(
        default_factory=dict, description="Extra vendor value (as text) -> canonical value."
    )
    unassigned: dict[str, str] = Field(
        default_factory=dict,
        examples=[{"2": "new"}],
        description="Status only: vendor value -> canonical value while nobody is assigned "
        "(Freshdesk's 'Open' with no agent is new).",
    )


class BodyMatch(StrictModel):
    """A test on one field of the answer body ('' = the whole body, e.g. a JSON array of
    messages); exactly one of the comparisons. ``contains`` and ``matches`` (a regular
    expression, searched) test the field as text; a list is tested item by item."""

    path: FieldPath = Field(examples=["code"])
    equals: Scalar | None = None
    not_equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    contains: str | None = Field(default=None, examples=["isn't a valid"])
    matches: str | None = Field(default=None, examples=["(?i)not (a )?valid"])

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        tests = (self.equals, self.not_equals, self.in_, self.not_in, self.contains, self.matches)
        if len([v for v in tests if v is not None]) != 1:
            raise ConfigValueError.at(
                ("path",), "write exactly one of equals, not_equals, in, not_in, contains, "
                "matches (e.g. 'not_equals: 1000')"
            )  # fmt: skip
        if self.matches is not None:
            _check_regex(self.matches, ("matches",))
        return self


def _check_regex(pattern: str, loc: Loc) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ConfigValueError.at(
            loc, f"not a regular expression ({error}); escape special characters with a backslash"
        ) from None


_STATUS = re.compile(r"^[1-5]xx$")


class ErrorRule(StrictModel):
    status: int | str | list[int] | None = Field(default=None, examples=[429])
    body: BodyMatch | None = None
    text: str | None = Field(
        default=None,
        examples=["isn't a valid (status|priority)"],
        description="A regular expression searched in the raw answer text (any status).",
    )
    kind: Literal["throttled", "client", "server", "protocol"] = Field(examples=["throttled"])
    message: str | None = Field(
        default=None,
        examples=["error.message", "{errors.0.field}: {errors.0.code}"],
        description="Where the error text is: a field path, or a text with {field paths}.",
    )
    retry_after: str = Field(
        default="retry-after", description="Header with the seconds to wait (throttled answers)."
    )

    @model_validator(mode="after")
    def _status_shape(self) -> Self:
        if isinstance(self.status, str) and not _STATUS.match(self.status):
            raise ConfigValueError.at(
                ("status",), f"'{self.status}' is not a status; write 429, [403, 429] or '4xx'"
            )
        if self.status is None and self.body is None and self.text is None:
            raise ConfigValueError.at(
                ("kind",), "a rule needs status, body or text; otherwise it matches everything"
            )
        if self.text is not None:
            _check_regex(self.text, ("text",))
        if self.message is not None and "{" not in self.message:
            try:
                check_path(self.message)
            except ValueError as error:
                raise ConfigValueError.at(("message",), str(error)) from None
        return self


class AssignmentSpec(StrictModel):
    observe: list[Literal["same_response", "polling", "webhook"]] = Field(
        min_length=1, examples=[["polling"]]
    )


class WebhookSignature(StrictModel):
    """How deliveries are verified. ``algorithm: secret``: the vendor cannot sign, and the
    delivery carries the shared secret itself in ``header`` (a custom header set up by hand)."""

    algorithm: Literal["hmac-sha256", "hmac-sha1", "sha1", "sha256", "md5", "secret"] = Field(
        examples=["hmac-sha256"]
    )
    header: str = Field(min_length=1, examples=["x-zendesk-webhook-signature"])
    timestamp_header: str | None = Field(default=None, examples=["x-zendesk-webhook-timestamp"])
    message: str = Field(default="{body}", min_length=1, examples=["{timestamp}{body}"])
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

    event_id: FieldPath | None = Field(
        default=None,
        examples=["id"],
        description="Where the delivery id is; without it (and event_id_header) a delivery is "
        "known by ticket and agent.",
    )
    event_id_header: str | None = Field(
        default=None, examples=["x-zendesk-webhook-invocation-id"], description="Or a header."
    )
    event_type: FieldPath | None = Field(default=None, examples=["type"])
    assigned_types: list[str] = Field(default_factory=list, examples=[["ticket.assigned"]])
    ticket_id: FieldPath = Field(examples=["data.ticket_id"])
    agent_id: FieldSpec = Field(
        examples=["data.agent_id", {"path": "ticket.owner_id", "unassigned": [1]}],
        description="Where the agent is; 'unassigned' lists placeholder owners (no assignment).",
    )
    queue: FieldPath | None = None
    assigned_at: FieldPath | None = None
    external_id: FieldPath | None = None

    @model_validator(mode="after")
    def _types_with_type(self) -> Self:
        if bool(self.assigned_types) != (self.event_type is not None):
            raise ConfigValueError.at(
                ("assigned_types",), "event_type and assigned_types go together"
            )
        if self.agent_id.request is not None:
            raise ConfigValueError.at(
                ("agent_id", "request"), "a delivery is read as it arrives, with no second "
                "request; point agent_id at a field of the delivery"
            )  # fmt: skip
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
    chat: ChatSpec | None = Field(
        default=None, description="Live-chat sessions: open, send, read, close; agents' side."
    )
    unsupported: dict[str, str] = Field(
        default_factory=dict,
        examples=[{"register_webhook": "Webhooks are automation rules set up by hand."}],
        description="Operation -> why the vendor does not offer it (said when one is asked).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        for operation in self.unsupported:
            if operation not in type(self.operations).model_fields:
                hint = did_you_mean(operation, list(type(self.operations).model_fields))
                problems.append((("unsupported", operation), f"not an operation.{hint}"))
            elif getattr(self.operations, operation) is not None:
                problems.append(
                    (("unsupported", operation), "described under operations too; keep one")
                )
        known = (*_CANONICAL, *_FREE_FORM)
        for field, mapping in self.enums.items():
            if field in _FREE_FORM:
                continue
            canonical = _CANONICAL.get(field)
            if canonical is None:
                hint = did_you_mean(field, known)
                problems.append(
                    (("enums", field), f"unknown enumeration.{hint} Known: {', '.join(known)}")
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
            if mapping.unassigned and field != "status":
                problems.append(
                    (("enums", field, "unassigned"), "only the status reads differently while "
                     "nobody is assigned; move it to enums.status")
                )  # fmt: skip
            problems.extend(
                (("enums", field, "unassigned", raw),
                 f"'{value}' is not a canonical {field}.{did_you_mean(value, canonical)} {valid}")
                for raw, value in mapping.unassigned.items()
                if field == "status" and value not in canonical
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
