"""Request bodies and polling helpers shared by the sandbox tests."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


def unique(prefix: str) -> str:
    """An external-id prefix no other test (or earlier run on a shared sandbox) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def ticket_body(external_id: str, category: str = "billing", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": external_id,
        "subject": "订单未发货",
        "description": "我的订单三天了还没有发货。",
        "channel": "wechat",
        "priority": "normal",
        "category": category,
        "customer": {"id": "C1", "name": "张三", "identities": {"wechat": "o-123"}},
        "custom_fields": {"order_id": "SO-1"},
    }
    body.update(extra)
    return body


def session_body(external_id: str, category: str = "billing") -> dict[str, Any]:
    return {
        "external_id": external_id,
        "channel": "chat",
        "category": category,
        "customer": {"id": "C2", "name": "李四", "identities": {}},
    }


def wait_for(check: Callable[[], T | None], timeout: float, what: str) -> T:
    """Poll ``check`` every 50 ms until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def truth_of(client: httpx.Client, kind: str, external_ids: set[str]) -> list[dict[str, Any]]:
    """The truth rows of ``kind`` ("tickets" or "sessions") for these external ids."""
    rows: list[dict[str, Any]] = client.get("/_sandbox/truth").json()[kind]
    return [row for row in rows if row["external_id"] in external_ids]


def all_assigned(
    client: httpx.Client, kind: str, external_ids: set[str]
) -> list[dict[str, Any]] | None:
    rows = truth_of(client, kind, external_ids)
    done = len(rows) == len(external_ids) and all(r["assigned_at"] is not None for r in rows)
    return rows if done else None
