"""Run in a subprocess by test_locust_executor.py (importing locust gevent-patches a process).

A fake FastHttpSession records how each request was marked; prints the marks as JSON.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from harness.transport.locust import LocustExecutor
from harness.vendors.base import ApiFailure, ApiRequest, Flow
from harness.vendors.udesk import UdeskAdapter


class FakeResponse:
    """Shaped like Locust's ResponseContextManager: the executor enters it, marks it, exits."""

    def __init__(self, status: int, body: bytes, marks: list[dict[str, Any]]) -> None:
        self.status_code = status
        self.content = body
        self.headers = {"Content-Type": "application/json"}
        self.request_meta: dict[str, Any] = {}
        self.mark: str | None = None
        self._marks = marks

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self._marks.append({"mark": self.mark, "context": self.request_meta.get("context")})

    def success(self) -> None:
        self.mark = "success"

    def failure(self, text: str) -> None:
        self.mark = f"failure: {text}"


class FakeSession:
    def __init__(self, answers: list[tuple[int, bytes]]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, str, Any]] = []
        self.marks: list[dict[str, Any]] = []

    def request(self, method: str, path: str, **kwargs: Any) -> FakeResponse:
        status, body = self.answers.pop(0)
        self.sent.append((method, path, kwargs.get("data") or kwargs.get("json")))
        return FakeResponse(status, body, self.marks)


def main() -> None:
    answers = [
        (200, json.dumps({"code": 1000, "ticket_id": 5}).encode()),
        (200, json.dumps({"code": 2059, "message": "open api签名不对"}).encode()),
        (429, b"{}"),
        (409, b"{}"),  # "exists already", accepted by the flow's next request
        (201, b"{}"),
        (409, b"{}"),  # the same without the flag: judged by its status
        (201, b"{}"),
    ]
    session = FakeSession(answers)
    executor = LocustExecutor(session, lambda request: request)  # type: ignore[arg-type]
    adapter = UdeskAdapter()
    from harness.model import Channel, Customer, Priority, Ticket

    ticket = Ticket("x-1", "s", "d", Channel.WEB, Priority.LOW, "billing", Customer("c", "n"))
    results = [executor.run(adapter.create_ticket(ticket)).id]
    for _ in range(2):
        try:
            executor.run(adapter.create_ticket(ticket))
        except ApiFailure as failure:
            results.append(failure.kind.value)
    results += [executor.run(_create_then_open(accepted)) for accepted in (True, False)]
    sys.stdout.write(json.dumps({"results": results, "marks": session.marks}))


def _create_then_open(accepted: bool) -> Flow[str]:
    """Creates a user (409 when it exists, fine), then opens a session."""
    yield ApiRequest("POST", "/users", "POST /users")
    response = yield ApiRequest("POST", "/sessions", "POST /sessions", previous_accepted=accepted)
    return str(response.status)


if __name__ == "__main__":
    main()
