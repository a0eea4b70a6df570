"""Customers linked across channels by their identities (WeChat openid, app uid, phone, ...).

A ticket's ``customer.identities`` are looked up; every customer already holding one of them
is merged into the oldest (the survivor), which then holds the union of identities and tickets.
With the ``no_identity_merge`` defect every ticket makes a customer of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CustomerBook", "CustomerRecord"]


@dataclass(eq=False, slots=True)
class CustomerRecord:
    id: str
    name: str
    identities: dict[str, str] = field(default_factory=dict)
    ticket_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "identities": dict(self.identities),
            "ticket_ids": list(self.ticket_ids),
        }


class CustomerBook:
    def __init__(self, merge: bool = True) -> None:
        self.merge = merge
        self.by_id: dict[str, CustomerRecord] = {}
        self._by_identity: dict[tuple[str, str], str] = {}
        self._seq = 0

    def find(self, channel: str, value: str) -> CustomerRecord | None:
        customer_id = self._by_identity.get((channel, value))
        return None if customer_id is None else self.by_id[customer_id]

    def link(self, customer: dict[str, Any], ticket_id: str) -> CustomerRecord:
        """The customer ``ticket_id`` belongs to, merging every customer sharing an identity."""
        identities: dict[str, str] = dict(customer.get("identities") or {})
        known = sorted(
            {
                self._by_identity[key]
                for key in identities.items()
                if self.merge and key in self._by_identity
            },
            key=lambda cid: int(cid[1:]),
        )
        if known:
            survivor = self.by_id[known[0]]
            for other_id in known[1:]:
                other = self.by_id.pop(other_id)
                survivor.identities.update(other.identities)
                survivor.ticket_ids += other.ticket_ids
        else:
            self._seq += 1
            survivor = CustomerRecord(f"C{self._seq:06d}", str(customer.get("name") or ""))
            self.by_id[survivor.id] = survivor
        survivor.identities.update(identities)
        survivor.ticket_ids.append(ticket_id)
        for key in survivor.identities.items():
            self._by_identity[key] = survivor.id
        return survivor
