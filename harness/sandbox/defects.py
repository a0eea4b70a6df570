"""Switchable integration defects: the ``defective`` profile's reason to exist.

Each defect breaks exactly one promise a vendor contract makes, so that exactly one acceptance
check (``harness.checks``) can catch it. Enable them with the ``defects`` profile knob
(``--set defects=drop_custom_field,leak_phone``); the ``defective`` preset enables all.

The routes call the small hooks below; each hook is a no-op unless its defect is on, so the
solid and saturating profiles behave exactly as before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

__all__ = [
    "DEFECTS",
    "Defects",
]

#: name -> what goes wrong (and, after the dash, the check that must catch it).
DEFECTS: Mapping[str, str] = {
    "weak_auth": "any bearer token is accepted, not only the right one - AUTH-002",
    "drop_custom_field": "create keeps every custom field but the last one - FIELD-001",
    "truncate_text": "create cuts descriptions to 1,000 characters without saying so - FIELD-002",
    "wrong_priority_map": "priority urgent is stored and read back as high - ENUM-001",
    "wrong_status_map": "status pending is stored and read back as open - ENUM-002",
    "ignore_idempotency": "a retried create with the same external_id makes a second ticket "
    "- IDEM-001",
    "skip_page_records": "the list cursor skips the first ticket of every following page "
    "- PAGE-001",
    "accept_invalid_input": "a ticket without a subject is created (201) instead of refused "
    "- INPUT-001",
    "no_retry_after": "429 answers carry no Retry-After header - RATE-001",
    "drop_webhooks": "every 4th assignment event is never delivered - HOOK-001",
    "unsigned_webhooks": "webhook deliveries carry no signature - HOOK-002",
    "no_identity_merge": "a customer arriving on another channel is never linked to the one "
    "already known - IDENT-001",
    "leak_phone": "mobile numbers are returned unmasked (ID numbers still masked) - PII-001",
    "misroute_category": "refunds tickets are routed to the billing queue - ROUTE-001",
    "lose_import_records": "bulk import reports every 10th record created but never stores it "
    "- MIG-001",
}

TRUNCATE_AT = 1000
DROP_WEBHOOK_EVERY = 4
LOSE_IMPORT_EVERY = 10
_MISROUTE = {"refunds": "billing"}


class Defects:
    """The enabled defects of one sandbox, with one hook per place a route consults them."""

    def __init__(self, names: Collection[str]) -> None:
        unknown = sorted(set(names) - set(DEFECTS))
        if unknown:
            raise ValueError(f"unknown defects: {', '.join(unknown)}")
        self.names = frozenset(names)
        self._assign_count = 0
        self._import_count = 0

    def __contains__(self, name: object) -> bool:
        return name in self.names

    # create --------------------------------------------------------------------------------
    def on_create(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The fields a new ticket is stored with (after validation)."""
        if "drop_custom_field" in self and fields.get("custom_fields"):
            kept = dict(fields["custom_fields"])
            kept.pop(list(kept)[-1])
            fields = {**fields, "custom_fields": kept}
        if "truncate_text" in self and len(fields.get("description", "")) > TRUNCATE_AT:
            fields = {**fields, "description": fields["description"][:TRUNCATE_AT]}
        if "wrong_priority_map" in self and fields.get("priority") == "urgent":
            fields = {**fields, "priority": "high"}
        return fields

    def accepts_invalid(self, problems: Mapping[str, str]) -> bool:
        """True when a body refused only for its subject should be created anyway."""
        return "accept_invalid_input" in self and set(problems) == {"subject"}

    def replays(self) -> bool:
        return "ignore_idempotency" not in self

    # update / list -------------------------------------------------------------------------
    def on_status(self, status: str) -> str:
        return "open" if "wrong_status_map" in self and status == "pending" else status

    def next_page_start(self, end: int) -> int:
        return end + 1 if "skip_page_records" in self else end

    # gate ----------------------------------------------------------------------------------
    def token_ok(self, supplied: bytes, expected: bytes) -> bool:
        """With weak_auth, any non-empty bearer token passes (the right one is checked first)."""
        return "weak_auth" in self and supplied.startswith(b"Bearer ") and len(supplied) > 7

    def retry_after(self, seconds: int) -> dict[str, str]:
        return {} if "no_retry_after" in self else {"Retry-After": str(seconds)}

    # webhooks, routing, masking, import ----------------------------------------------------
    def deliver_assignment(self) -> bool:
        self._assign_count += 1
        return not ("drop_webhooks" in self and self._assign_count % DROP_WEBHOOK_EVERY == 0)

    @property
    def signed_webhooks(self) -> bool:
        return "unsigned_webhooks" not in self

    @property
    def merge_identities(self) -> bool:
        return "no_identity_merge" not in self

    @property
    def mask_phones(self) -> bool:
        return "leak_phone" not in self

    def queue_for(self, category: str) -> str:
        return _MISROUTE.get(category, category) if "misroute_category" in self else category

    def keep_import(self) -> bool:
        self._import_count += 1
        return not ("lose_import_records" in self and self._import_count % LOSE_IMPORT_EVERY == 0)
