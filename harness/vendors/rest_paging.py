"""Where a listing's next page is, in every common style (see
:class:`harness.config.rest.Pagination`). Pure functions, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

from harness.config.rest import Pagination
from harness.vendors.templating import MISSING, get_path

__all__ = ["first_cursor", "follow", "link_next", "next_cursor"]

_LINK: Final = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_REL_NEXT: Final = re.compile(r"""rel\s*=\s*"?([^";]*)"?""")


def first_cursor(paging: Pagination) -> str | None:
    if paging.style == "page":
        return str(paging.first)
    if paging.style == "offset":
        return "0"
    return None


def next_cursor(
    paging: Pagination,
    body: Any,
    headers: Mapping[str, str],
    cursor: str | None,
    count: int,
    limit: int,
) -> str | None:
    """The cursor (page number, offset or URL) of the next page; None when the listing ended."""
    if paging.end is not None and get_path(body, paging.end) is True:
        return None
    if paging.more is not None and get_path(body, paging.more) in (False, MISSING, None, 0):
        return None
    if paging.style in ("cursor", "url"):
        found = get_path(body, paging.next or "")
        return None if found in (MISSING, None, "") else str(found)
    if paging.style == "link":
        return link_next(headers.get("link", ""))
    if count == 0:
        return None
    total = get_path(body, paging.total) if paging.total is not None else MISSING
    if paging.style == "page":
        page = int(cursor or paging.first)
        seen = (page - paging.first) * limit + count
        following = str(page + 1)
    else:
        seen = int(cursor or 0) + count
        following = str(seen)
    if isinstance(total, int) and not isinstance(total, bool):
        return None if seen >= total else following
    return None if count < limit else following


def link_next(header: str) -> str | None:
    """The ``rel="next"`` target of an RFC 8288 ``Link`` header."""
    for match in _LINK.finditer(header):
        for rel in _REL_NEXT.findall(match.group(2)):
            if "next" in rel.split():
                return match.group(1)
    return None


def follow(url: str, base_path: str, current: str) -> tuple[str, dict[str, str]]:
    """A next-page URL as a path relative to ``base_url`` and its query (``current`` is the
    path just requested, for a URL that is only a query).

    Only the path and query are kept: the request goes to the vendor's base URL whatever host
    the answer names, so a listing can never send the harness elsewhere.
    """
    parts = urlsplit(url)
    if not parts.path:  # "?page=2": the same resource
        return current, dict(parse_qsl(parts.query, keep_blank_values=True))
    path = parts.path
    prefix = base_path.rstrip("/")
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :] or "/"
    return path, dict(parse_qsl(parts.query, keep_blank_values=True))
