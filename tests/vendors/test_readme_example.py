"""The README's "Add your vendor" example is a tested program: both READMEs carry the same file,
it validates, and its adapter and signer work against respx as the guide says."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from pathlib import Path
from typing import Any

import pytest
import respx
import yaml

from harness.config import load_vendor
from harness.model import Channel, Customer, Priority, Ticket, TicketRef
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import signer_for
from harness.vendors.base import ApiFailure, FailureKind
from harness.vendors.registry import adapter_for

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- acme\.yaml:[^\n]*-->\n```yaml\n(.*?)```", re.DOTALL)
BASE = "https://api.acme-desk.example/v2"


def _example(readme: str) -> str:
    found = BLOCK.findall((ROOT / readme).read_text(encoding="utf-8"))
    assert len(found) == 1, f"{readme} must hold exactly one acme.yaml example"
    text: str = found[0]
    return text


@pytest.fixture
def vendor_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme.yaml"
    path.write_text(_example("README.md"), encoding="utf-8")
    return path


def test_both_readmes_carry_the_same_example() -> None:
    english: Any = yaml.safe_load(_example("README.md"))
    chinese: Any = yaml.safe_load(_example("README.zh-CN.md"))
    assert english == chinese


def test_the_example_runs_against_its_described_api(
    vendor_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACME_KEY", "ak-public-1")
    monkeypatch.setenv("ACME_SECRET", "as-secret-1")
    vendor = load_vendor(vendor_file)
    adapter = adapter_for(vendor, str(vendor_file))
    signer = signer_for(vendor.auth, str(vendor_file))
    ticket = Ticket(
        "poc-1", "退款", "没到账", Channel.APP, Priority.URGENT, "refunds", Customer("u1", "张伟")
    )
    answer = {"ticket_id": "T-1", "title": "退款", "content": "没到账", "state": 0, "level": 4,
              "extra": {"harness_ref": "poc-1", "category": "refunds"},
              "agent": {"id": "a-9"}, "group": {"name": "after-sales"}}  # fmt: skip
    with respx.mock(base_url=BASE, assert_all_called=False) as api:
        create = api.post("/tickets").respond(200, json={"code": 0, "data": answer})
        api.get("/tickets/T-1").respond(200, json={"code": 0, "data": answer | {"state": 9}})
        api.get("/tickets").respond(200, json={"code": 0, "data": {"list": [answer]}})
        api.post("/webhooks").respond(200, json={"code": 0, "data": {"webhook_id": "w1"}})
        api.delete("/webhooks/w1").respond(200, json={"code": 0})
        with HttpxExecutor(BASE, signer) as client:
            ref = client.run(adapter.create_ticket(ticket))
            state = client.run(adapter.get_ticket(ref))
            page = client.run(adapter.list_tickets(None, 50))
            hook = client.run(adapter.register_webhook("https://probe.example/h", "unused"))
            client.run(adapter.unregister_webhook(hook))
        api.get("/tickets/T-2").respond(200, json={"code": 40001, "msg": "ticket not found"})
        with HttpxExecutor(BASE, signer) as client, pytest.raises(ApiFailure) as caught:
            client.run(adapter.get_ticket(TicketRef("T-2", "")))
    assert ref.assignment is not None and ref.assignment.agent_id == "a-9"  # same_response
    assert (state.status.value, state.priority, state.category) == ("closed", Priority.URGENT,
                                                                    "refunds")  # fmt: skip
    assert page.next_cursor is None and hook == "w1"
    assert (caught.value.kind, caught.value.detail) == (FailureKind.CLIENT, "ticket not found")
    sent = create.calls.last.request
    body = json.loads(sent.content)
    assert (body["level"], body["source"], body["extra"]) == (
        4, 6, {"harness_ref": "poc-1", "category": "refunds"}
    )  # fmt: skip
    headers = sent.headers
    message = "\n".join(
        ["POST", "/tickets", headers["X-Acme-Timestamp"], headers["X-Acme-Nonce"],
         hashlib.sha256(sent.content).hexdigest()]
    )  # fmt: skip
    digest = hmac.new(b"as-secret-1", message.encode(), hashlib.sha256).digest()
    assert headers["X-Acme-Signature"] == base64.b64encode(digest).decode()
    assert headers["X-Acme-Key"] == "ak-public-1"


def test_the_example_verifies_webhooks(vendor_file: Path) -> None:
    adapter = adapter_for(load_vendor(vendor_file), str(vendor_file))
    body = json.dumps(
        {"event_id": "e1", "event": "ticket.assigned",
         "data": {"ticket_id": "T-1", "agent": {"id": "a-9"}, "group": {"name": "vip"},
                  "assigned_at": 1763000000.5}}
    ).encode()  # fmt: skip
    signature = hmac.new(b"whsec", b"1763000000." + body, hashlib.sha256).hexdigest()
    headers = {"X-Acme-Signature": signature, "X-Acme-Timestamp": "1763000000"}
    event = adapter.parse_webhook(headers, body, "whsec")
    assert event is not None
    assert (event.event_id, event.assignment.agent_id, event.assignment.queue) == (
        "e1", "a-9", "vip"
    )  # fmt: skip
    assert event.assignment.assigned_at == 1763000000.5
