"""Request templates and operations of the ``rest:`` section (see :mod:`harness.config.rest`).

Each operation names the placeholders its templates may use (:data:`OPERATION_PLACEHOLDERS`);
config errors list them, with a suggestion for a near miss.
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError, Loc
from harness.config.templates import check as check_template
from harness.config.templates import walk_strings

__all__ = [
    "OPERATION_PLACEHOLDERS",
    "FieldPath",
    "ImportOperation",
    "ImportStatusOperation",
    "ListOperation",
    "Operation",
    "Operations",
    "Pagination",
    "RegisterWebhookOperation",
    "RequestTemplate",
    "Scalar",
    "check_path",
]

Scalar = str | int | bool
_KEY = r"[A-Za-z0-9_\-$@]+"
_SEGMENT = rf"(?:{_KEY}(?:\[{_KEY}=[^\]]*\])?|\[{_KEY}=[^\]]*\])"
_PATH = re.compile(rf"^{_SEGMENT}(\.{_SEGMENT})*$")

_TICKET = (
    "ticket.external_id", "ticket.subject", "ticket.description", "ticket.channel",
    "ticket.description_html", "ticket.priority", "ticket.category", "ticket.customer.id",
    "ticket.customer.name", "ticket.customer.email", "ticket.customer.identities",
    "ticket.customer.identities.*", "ticket.custom_fields",
    "ticket.custom_fields.*", "idempotency_key",
)  # fmt: skip
_REF = ("ref.id", "ref.external_id")
OPERATION_PLACEHOLDERS: Final[dict[str, tuple[str, ...]]] = {
    "create_ticket": _TICKET,
    "get_ticket": _REF,
    "fetch_assignment": _REF,
    "update_ticket": (*_REF, "changes.status", "changes.priority", "changes.subject"),
    "list_tickets": ("cursor", "limit"),
    "export_tickets": ("cursor", "limit", "since", "since_iso"),
    "import_tickets": ("tickets",),
    "import_status": ("job.id",),
    "register_webhook": ("webhook.url", "webhook.secret"),
    "unregister_webhook": ("webhook.id",),
}


def check_path(value: str) -> str:
    if value and not _PATH.match(value):
        raise ValueError(
            f"'{value}' is not a field path; write dotted keys, list indexes and keyed "
            "selections such as 'ticket.id', 'results.0.id' or "
            "'custom_fields[name=Channel].values.0' ('' means the whole answer)"
        )
    return value


FieldPath = Annotated[str, AfterValidator(check_path)]


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
    result: FieldPath | None = Field(
        default="",
        description="Where the ticket (or result) is in the answer; '' = all of it; null = the "
        "answer holds no ticket (e.g. a list of messages): it is read back with get_ticket.",
    )


class Pagination(StrictModel):
    """How a listing says where the next page is and when it ended.

    ``cursor``: the answer names the next cursor (``next``); ``url``: the answer names the
    next page's URL (``next``, absolute or relative, e.g. ``next`` in Django REST framework);
    ``link``: the ``Link: <...>; rel="next"`` header; ``page``: page numbers from ``first``;
    ``offset``: item offsets. Put ``{cursor}`` in the request's query where the cursor, page
    number or offset goes (``url`` and ``link`` follow the vendor's URL as it is). End flags:
    ``end`` (true = ended), ``more`` (false = ended: ``meta.has_more``, also when a cursor is
    always present), ``total`` (page and offset: the item count across all pages)."""

    style: Literal["cursor", "url", "link", "page", "offset"] = Field(examples=["cursor"])
    next: FieldPath | None = Field(default=None, examples=["next_cursor"])
    end: FieldPath | None = Field(default=None, examples=["end_of_stream"])
    more: FieldPath | None = Field(default=None, examples=["meta.has_more"])
    total: FieldPath | None = Field(default=None, examples=["count"])
    first: int = Field(default=1, ge=0, description="First page number (page style).")

    @model_validator(mode="after")
    def _next_where_named(self) -> Self:
        if self.style in ("cursor", "url") and self.next is None:
            what = "cursor" if self.style == "cursor" else "page's URL"
            raise ConfigValueError.at(
                ("next",), f"{self.style} pagination needs 'next': the answer field with the "
                f"next {what}"
            )  # fmt: skip
        if self.style not in ("cursor", "url") and self.next is not None:
            raise ConfigValueError.at(
                ("next",), f"only for style: cursor or url; {self.style} pagination finds the "
                "next page by itself"
            )  # fmt: skip
        if self.total is not None and self.style not in ("page", "offset"):
            raise ConfigValueError.at(
                ("total",), f"only for style: page or offset; {self.style} pagination ends "
                "when the answer names no next page (or with 'end' / 'more')"
            )  # fmt: skip
        return self


class ListOperation(Operation):
    items: FieldPath = Field(examples=["tickets"], description="Where the list of tickets is.")
    pagination: Pagination
    next_request: RequestTemplate | None = Field(
        default=None,
        description="The request for the following pages (a cursor is known), when it differs "
        "from the first: e.g. the first page takes start_time, the next ones only the cursor.",
    )


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
        problem = check_template(self.item, (*_TICKET, "ticket.status", "ticket.created_at"))
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
            requests = [("request", operation.request)]
            following = getattr(operation, "next_request", None)
            if following is not None:
                requests.append(("next_request", following))
            for key, request in requests:
                for part in ("path", "query", "headers", "body"):
                    problem = check_template(getattr(request, part), allowed)
                    if problem:
                        problems.append(((name, key, part), problem))
        if self.create_ticket.result is None:
            problems.append(
                (("create_ticket", "result"), "the create answer must hold the new ticket's id; "
                 "write where it is, e.g. 'result: ticket' ('' = the whole answer)")
            )  # fmt: skip
        if self.update_ticket is not None and self.update_ticket.result is None:
            if self.get_ticket is None:
                problems.append(
                    (("update_ticket", "result"), "'result: null' reads the ticket back with "
                     "get_ticket; describe operations.get_ticket")
                )  # fmt: skip
        if (self.import_tickets is None) != (self.import_status is None):
            problems.append((("import_tickets",), "import_tickets and import_status go together"))
        if (self.register_webhook is None) != (self.unregister_webhook is None):
            problems.append(
                (("register_webhook",), "register_webhook and unregister_webhook go together")
            )
        if problems:
            raise ConfigValueError(problems)
        return self
