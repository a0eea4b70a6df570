"""The canonical ticket table: what ``anonymise`` writes, ``profile`` reads and ``generate``
writes, one row per ticket (Parquet; pandas dtypes below).

Times are timezone-aware UTC ``datetime64[ns, UTC]``; exports in local time are converted on
reading with the mapping's ``timezone`` (default Asia/Shanghai). ``customer_key`` is an opaque
keyed token of the customer's strongest identifier (phone, else e-mail, else WeChat/QQ id, else
name): the same person on WeChat, app and phone shares one key, and nothing real can be read
back from it.
"""

from __future__ import annotations

from typing import Final

# column -> pandas dtype
TICKET_COLUMNS: Final[dict[str, str]] = {
    "external_id": "string",  # the export's ticket number (pseudonymised if configured)
    "created_at": "datetime64[ns, UTC]",
    "assigned_at": "datetime64[ns, UTC]",  # NaT when the export has none
    "resolved_at": "datetime64[ns, UTC]",
    "first_response_at": "datetime64[ns, UTC]",  # the first agent reply, when the export has it
    "channel": "string",  # harness.model.Channel values
    "category": "string",  # free slug, e.g. refunds, logistics
    "priority": "string",  # harness.model.Priority values
    "status": "string",  # harness.model.TicketStatus values, or <NA>
    "subject": "string",
    "description": "string",  # free text, PII replaced
    "customer_key": "string",  # opaque, links one customer across channels and files
    "customer_name": "string",  # pseudonym
    "phone": "string",  # pseudonym, 11 digits
    "email": "string",  # pseudonym
    "agent": "string",  # pseudonym of the agent's name or id
    "id_number": "string",  # pseudonym: a valid 18-character resident ID
    "address": "string",  # pseudonym
    "order_number": "string",  # pseudonym of the same shape
    "messages": "Int64",  # messages in the session, when the export has them
}

REQUIRED_COLUMNS: Final[tuple[str, ...]] = ("external_id", "created_at", "channel", "category")
