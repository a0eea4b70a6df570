"""What the vendor's contract promises, as numbers the checks measure against.

Every field has a default that suits the embedded sandbox; a vendor's acceptance contract is a
small YAML file (``--csm-contract FILE``) overriding what differs, validated strictly with
file:line errors like every other config file::

    routing: {threshold: 0.95, expected_queues: {refunds: "360001", billing: "360002"}}
    priority_projection: {urgent: high}    # a 3-level vendor: urgent reads back as high
    pii: {masking_required: true, free_text: false}
    rate_limit: {probe: list, budget: 600}
    lifecycle: {closed_final: true}        # a closed ticket refuses reopening
    fields: {custom: {member_level: 金卡}}  # a value the vendor's choice list accepts
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field

from harness.config.loader import StrictModel, validate

__all__ = ["Contract", "load_contract"]


class Routing(StrictModel):
    threshold: float = Field(default=0.92, ge=0, le=1, description="Share routed right.")
    per_category: int = Field(default=8, ge=1, le=500)
    expected_queues: dict[str, str] = Field(
        default_factory=dict,
        description="Labelled category -> the queue the contract routes it to, as the vendor "
        "reports it; empty: the vendor file's 'queues' map (none at all: ROUTE-001 is skipped).",
    )
    wait_s: float = Field(
        default=15.0,
        gt=0,
        description="Give up waiting for assignments after this long without any progress.",
    )
    max_wait_s: float = Field(
        default=60.0,
        gt=0,
        description="Longest wait for assignments that are still progressing (a slow router "
        "is waited for, not failed); like a scenario's probe.timeout.",
    )


class Webhooks(StrictModel):
    events: int = Field(default=12, ge=1, le=1000)
    wait_s: float = Field(
        default=8.0, gt=0, description="Longest lag from assignment to its delivery."
    )


class Migration(StrictModel):
    records: int = Field(default=200, ge=1, le=100_000)


class Pagination(StrictModel):
    tickets: int = Field(
        default=500, ge=2, le=10_000, description="Records the list must hold when walked."
    )
    page_size: int = Field(
        default=100, ge=1, le=1000, description="The vendor's largest page size."
    )
    min_pages: int = Field(default=5, ge=1, le=100, description="Full pages walked at least.")
    min_new: int = Field(
        default=25, ge=1, le=10_000, description="Tickets created even when the list is full."
    )
    max_records: int = Field(
        default=20_000, ge=10, description="Stop walking the list after this many records."
    )
    export_tickets: int = Field(default=25, ge=1, le=10_000)


class Pii(StrictModel):
    masking_required: bool = True
    free_text: bool = Field(
        default=False,
        description="Also judge ID numbers and mobiles inside free text (descriptions, "
        "subjects, comments); by default only profile fields (phone, ID) must be masked.",
    )


class Input(StrictModel):
    max_body_bytes: int | None = Field(
        default=None, ge=1, description="Documented body limit; unknown: that case is skipped."
    )
    subject_required: bool = Field(
        default=True, description="False when the vendor derives a missing subject itself."
    )
    long_text_chars: int = Field(default=5000, ge=1, description="Longest description kept.")


class Fields(StrictModel):
    custom: dict[str, str] = Field(
        default_factory=dict,
        examples=[{"member_level": "金卡", "refund_amount": "199.00"}],
        description="Custom field -> a value the vendor accepts for it (typed fields, choice "
        "lists); FIELD-001 sends these for the custom fields the vendor file maps, and names "
        "any it cannot send.",
    )


class Lifecycle(StrictModel):
    closed_final: bool = Field(
        default=False,
        description="A closed ticket must refuse reopening (4xx), as Zendesk's do; off: the "
        "reopen answer is reported, not judged (django-helpdesk and Freshdesk reopen).",
    )


class RateLimit(StrictModel):
    probe: Literal["export", "list", "get"] = "export"
    budget: int = Field(default=400, ge=1, le=100_000, description="Requests before giving up.")
    status_codes: list[int] = Field(default_factory=lambda: [429])
    retry_after_headers: list[str] = Field(default_factory=lambda: ["retry-after"])
    max_wait_s: float = Field(default=30.0, gt=0)


class Contract(StrictModel):
    routing: Routing = Field(default_factory=Routing)
    webhooks: Webhooks = Field(default_factory=Webhooks)
    migration: Migration = Field(default_factory=Migration)
    pagination: Pagination = Field(default_factory=Pagination)
    pii: Pii = Field(default_factory=Pii)
    input: Input = Field(default_factory=Input)
    rate_limit: RateLimit = Field(default_factory=RateLimit)
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    fields: Fields = Field(default_factory=Fields)
    request_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="Longest wait for one answer (a vendor whose lists slow down as they grow, "
        "on a busy machine, needs more).",
    )
    priority_projection: dict[str, str] = Field(
        default_factory=dict,
        description="Lossy priorities: canonical value -> the value it reads back as.",
    )


def load_contract(path: str | os.PathLike[str] | None) -> Contract:
    return Contract() if path is None else validate(Contract, path)
