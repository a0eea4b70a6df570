"""`csm-harness accept` against a real, unmodified django-helpdesk.

The clean run's failures are django-helpdesk's own behaviour, each asserted with evidence read
back from the helpdesk itself. The mutation table (every defect of `csm-harness proxy`) is in
test_mutation_helpdesk.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from harness.checks.contract import Contract, Lifecycle
from harness.checks.receiver import WebhookReceiver
from harness.checks.registry import CheckFailed
from tests.fixtures.proxied import rest_context
from tests.helpdesk.accept_runs import (
    CLEAN_FAILED,
    CLEAN_PASSED,
    CLEAN_SKIPS,
    VENDOR,
    Run,
    accept,
    api,
)
from tests.helpdesk.server import HelpdeskServer


@pytest.fixture(scope="module")
def clean(helpdesk: HelpdeskServer, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return accept(helpdesk, helpdesk.url, tmp_path_factory.mktemp("clean"))


def test_clean_run_verdicts(clean: Run) -> None:
    verdicts = clean.verdicts()
    assert {c for c, o in verdicts.items() if o == "failed"} == CLEAN_FAILED
    assert {c for c, o in verdicts.items() if o == "passed"} == CLEAN_PASSED
    assert {c for c, o in verdicts.items() if o == "skipped"} == set(CLEAN_SKIPS)
    for check, reason in CLEAN_SKIPS.items():  # never silently: each skip names its reason
        assert re.search(reason, clean.message(check)), clean.message(check)


def test_every_custom_field_the_admin_created_is_sent_and_kept(
    clean: Run, helpdesk: HelpdeskServer
) -> None:
    measured = clean.checks["FIELD-001"]["measured"]
    assert measured["custom_fields"] == ["order_no", "sku", "member_level", "refund_amount"]
    assert measured["not_sendable"] == []
    # the evidence: the helpdesk holds each value, typed as its admin defined the field
    tickets = api(helpdesk, "/api/tickets/?page_size=1000")["results"]
    (ticket,) = [t for t in tickets if t["custom_external_id"].endswith("-field-001-all-fields")]
    assert ticket["custom_order_no"] == "SO-2026-000123"
    assert ticket["custom_sku"] == "SKU-汽车脚垫-黑色"
    assert ticket["custom_member_level"] == "金卡"  # one of the choice list's options
    assert ticket["custom_refund_amount"] == "199.00"  # a decimal with 2 places


def test_idempotency_key_ignored_makes_extra_tickets(clean: Run, helpdesk: HelpdeskServer) -> None:
    message = clean.checks["IDEM-001"]["message"]
    named = re.findall(r"(\d+) tickets: ([\d, ]+)", message)
    assert named, message
    for count, ids in named:  # the vendor holds every extra ticket, one external id each
        tickets = [api(helpdesk, f"/api/tickets/{i.strip()}/") for i in ids.split(",")]
        assert len(tickets) == int(count) > 1
        assert len({t["custom_external_id"] for t in tickets}) == 1


def _failed_cases(run: Run) -> set[str]:
    return set(re.findall(r"- request '([^']+)'", run.checks["INPUT-001"]["message"]))


def test_missing_description_answers_500(clean: Run, helpdesk: HelpdeskServer) -> None:
    cases = {c["case"]: c for c in clean.checks["INPUT-001"]["measured"]["cases"]}
    assert cases["missing description"]["status"] == 500
    assert "missing description" in _failed_cases(clean)
    # the evidence, straight from the helpdesk: the same request without a description
    answer = httpx.post(
        f"{helpdesk.url}/api/tickets/",
        headers={"Authorization": f"Token {helpdesk.token}"},
        json={"queue": 1, "title": "no description", "priority": 3}, timeout=60,
    )  # fmt: skip
    assert answer.status_code == 500
    assert cases["blank description"]["status"] == 400  # a blank one is refused properly


def test_numbers_for_text_fields_are_accepted(clean: Run, helpdesk: HelpdeskServer) -> None:
    assert _failed_cases(clean) == {
        "missing description", "description of the wrong type", "subject of the wrong type"
    }  # fmt: skip
    stored = [t for t in api(helpdesk, "/api/tickets/?page_size=1000")["results"]
              if t["title"] == "12345"]  # fmt: skip
    assert stored, "the helpdesk stored the number as the ticket's title"


def test_input_judges_only_what_the_vendor_validates(clean: Run) -> None:
    cases = {c["case"]: c for c in clean.checks["INPUT-001"]["measured"]["cases"]}
    for case in ("unknown priority", "unknown status"):  # each refused for its own field
        assert cases[case]["status"] == 400
        assert case.split()[1] in cases[case]["refused_by"]
    assert cases["missing subject"]["status"] == 400
    assert "title" in cases["missing subject"]["refused_by"]
    # the channel is a free-text custom field and no body limit is documented: named skips
    assert re.search(r"does not enumerate channel.*rest\.enums\.channel",
                     cases["unknown channel"]["skipped"])  # fmt: skip
    assert "input.max_body_bytes" in cases["oversized body"]["skipped"]
    assert clean.checks["INPUT-001"]["measured"]["sent"] == 8


def test_requester_phone_returned_unmasked(clean: Run, helpdesk: HelpdeskServer) -> None:
    message = clean.checks["PII-001"]["message"]
    found = re.search(r"ticket (\d+) .*field custom_requester_phone \(ticket:", message)
    assert found, message
    phone = api(helpdesk, f"/api/tickets/{found.group(1)}/")["custom_requester_phone"]
    assert re.fullmatch(r"1[3-9]\d{9}", phone)


def test_pii_blames_the_ticket_that_leaks(clean: Run, helpdesk: HelpdeskServer) -> None:
    message = clean.checks["PII-001"]["message"]
    blamed = re.findall(r"- ticket (\d+) .*\n.*\n\s+Received: 'mobile (\d{3})\*+(\d{4})", message)
    problems = re.match(r"(\d+) problem", message)
    assert problems and len(blamed) == int(problems.group(1)), message
    for ticket, head, tail in blamed:
        phone = api(helpdesk, f"/api/tickets/{ticket}/")["custom_requester_phone"]
        assert (phone[:3], phone[-4:]) == (head, tail), ticket
    # every ticket holding a phone when PII-001 listed them is blamed: its own read, listed
    # and in its new-ticket webhook delivery, the others listed
    scanned = clean.checks["PII-001"]["measured"]["responses_scanned"]
    assert scanned == {"ticket": 1, "list": 1, "webhook": 1}
    tickets = api(helpdesk, "/api/tickets/?page_size=1000")["results"]
    (own,) = [t["id"] for t in tickets if t["custom_external_id"].endswith("-pii-001-pii")]
    holding = {t["id"] for t in tickets if t["id"] <= own and t["custom_requester_phone"]}
    assert sorted(int(t) for t, _, _ in blamed) == sorted([*holding, own, own])
    assert re.search(rf"- ticket {own} .*field ticket\.custom_requester_phone \(webhook:", message)


def test_status_lifecycle_uses_the_vendor_encoding(clean: Run) -> None:
    measured = clean.checks["ENUM-002"]["measured"]
    assert clean.outcome("ENUM-002") == "passed", clean.checks["ENUM-002"]["message"]
    assert measured["not_sendable"] == ["pending"]
    assert measured["transitions"] == 3
    assert measured["reopen"] == "allowed HTTP 200"  # reported: the contract does not forbid it


def test_reopening_is_judged_when_the_contract_says_closed_is_final(
    helpdesk: HelpdeskServer, tmp_path: Path
) -> None:
    vendor = tmp_path / "django-helpdesk.yaml"
    text = re.sub(r"(?m)^base_url: .*$", f"base_url: {helpdesk.url}", VENDOR.read_text("utf-8"))
    vendor.write_text(text, "utf-8")
    contract = Contract(lifecycle=Lifecycle(closed_final=True), request_timeout_s=60)
    assert helpdesk.webhook_listen is not None
    host, port = helpdesk.webhook_listen.rsplit(":", 1)
    with (
        WebhookReceiver(host, int(port)),  # the helpdesk delivers each new ticket
        rest_context(vendor, helpdesk.token, "ENUM-002", tmp_path, contract) as ctx,
        pytest.raises(CheckFailed, match=r"closed -> open") as failed,
    ):
        ctx.execute()
    ticket = re.search(r"- ticket (\d+) ", str(failed.value))
    assert ticket, str(failed.value)
    # the evidence: django-helpdesk reopened the closed ticket (status 1, Open)
    assert api(helpdesk, f"/api/tickets/{ticket.group(1)}/")["status"] == 1


def _hook_tickets(message: str) -> list[str]:
    return re.findall(r"- ticket (\d+) \(external_id [^)]*signed[^)]*\), delivery", message)


def test_every_new_ticket_is_delivered_by_webhook(clean: Run, helpdesk: HelpdeskServer) -> None:
    measured = clean.checks["HOOK-001"]["measured"]
    assert measured["event"] == "created"  # django-helpdesk sends no assignment event
    assert measured["expected"] == measured["delivered"] == 12  # the contract's default
    assert measured["duplicates"] == 0
    # deliveries of every other check's tickets arrived too, none counted as HOOK-001's
    assert measured["deliveries"] == 12 and measured["other_deliveries"] > 0


def test_deliveries_are_unsigned(clean: Run, helpdesk: HelpdeskServer) -> None:
    found = clean.checks["HOOK-002"]
    assert found["measured"] == {"verified": 0, "unsigned": 3}
    message = found["message"]
    tickets = _hook_tickets(message)
    assert len(tickets) == 3, message
    # the evidence: what arrived carries requests' headers and nothing that could sign it
    for headers in re.findall(r"headers received: ([^\n]+)", message):
        names = set(headers.split(", "))
        assert names <= {"accept", "accept-encoding", "connection", "content-length",
                         "content-type", "host", "user-agent"}, names  # fmt: skip
    for ticket in tickets:  # the tickets exist, delivered with the helpdesk's own JSON
        assert api(helpdesk, f"/api/tickets/{ticket}/")["id"] == int(ticket)
