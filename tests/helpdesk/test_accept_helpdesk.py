"""`csm-harness accept` against a real django-helpdesk, clean and behind `csm-harness proxy`.

The clean run's failures are django-helpdesk's own behaviour, each asserted with evidence read
back from the helpdesk itself. Each proxy run starts on a fresh copy of the seeded database and
must change exactly one verdict compared with the clean run: its own check's.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.checks.contract import Contract, Lifecycle
from harness.checks.receiver import WebhookReceiver
from harness.checks.registry import CheckFailed
from tests.fixtures.proxied import rest_context
from tests.helpdesk.server import HelpdeskServer

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "scenarios/vendors/django-helpdesk.yaml"
CLI = str(Path(sys.executable).with_name("csm-harness"))
#: the default contract but for patience (every django-helpdesk read walks all its tickets,
#: 1.5 ms each, so a list of 500 on a busy 2-core machine can take longer than 10 s) and the
#: value the shop's choice list accepts (tests/helpdesk/project/seed.py, as an admin made it)
CONTRACT = "request_timeout_s: 60\nfields: {custom: {member_level: 金卡}}\n"


@dataclass(frozen=True)
class Run:
    checks: dict[str, dict[str, Any]]

    def outcome(self, check: str) -> str:
        return str(self.checks[check]["outcome"])

    def verdicts(self) -> dict[str, str]:
        return {check: self.outcome(check) for check in self.checks}


def _accept(server: HelpdeskServer, url: str, out: Path) -> Run:
    env = {**os.environ, "HELPDESK_TOKEN": server.token}
    command = [CLI, "accept", "--vendor", str(VENDOR), "--lang", "en", "--out", str(out)]
    contract = out / "contract.yaml"
    out.mkdir(parents=True, exist_ok=True)
    contract.write_text(CONTRACT, "utf-8")
    command += ["--contract", str(contract)]
    assert server.webhook_listen is not None
    command += ["--webhook-listen", server.webhook_listen]
    done = subprocess.run(
        [*command, "--set", f"vendor.base_url={url}"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    assert "INTERNALERROR" not in done.stdout + done.stderr
    (results,) = out.glob("*/checks.json")
    data = json.loads(results.read_text(encoding="utf-8"))
    return Run({check["id"]: check for check in data["checks"]})


@contextmanager
def _proxy(server: HelpdeskServer, defects: str, workdir: Path) -> Iterator[str]:
    vendor = workdir / "django-helpdesk.yaml"
    text = VENDOR.read_text(encoding="utf-8")
    vendor.write_text(re.sub(r"(?m)^base_url: .*$", f"base_url: {server.url}", text), "utf-8")
    process = subprocess.Popen(
        [CLI, "proxy", "--vendor", str(vendor), "--defects", defects, "--lang", "en"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, f"csm-harness proxy exited with {process.poll()}"
        yield str(json.loads(line)["url"])
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="module")
def clean(helpdesk: HelpdeskServer, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _accept(helpdesk, helpdesk.url, tmp_path_factory.mktemp("clean"))


def _api(server: HelpdeskServer, path: str) -> Any:
    headers = {"Authorization": f"Token {server.token}"}
    answer = httpx.get(f"{server.url}{path}", headers=headers, timeout=60)
    answer.raise_for_status()
    return answer.json()


#: every skip on the clean helpdesk, with words of the reason it names
CLEAN_SKIPS = {
    "IDENT-001": r"does not offer customers",
    "ROUTE-001": r"no category-to-queue map",
    "MIG-001": r"does not offer bulk-import",
    "PAGE-002": r"does not offer export",
    "RATE-001": r"does not offer export",
}


def test_clean_run_verdicts(clean: Run) -> None:
    verdicts = clean.verdicts()
    assert {c for c, o in verdicts.items() if o == "failed"} == {
        "IDEM-001", "INPUT-001", "PII-001", "HOOK-002"
    }  # fmt: skip
    assert {c for c, o in verdicts.items() if o == "passed"} == {
        "AUTH-001", "AUTH-002", "FIELD-001", "FIELD-002", "ENUM-001", "ENUM-002", "PAGE-001",
        "HOOK-001",
    }  # fmt: skip
    assert {c for c, o in verdicts.items() if o == "skipped"} == set(CLEAN_SKIPS)
    for check, reason in CLEAN_SKIPS.items():  # never silently: each skip names its reason
        assert re.search(reason, clean.checks[check]["message"]), clean.checks[check]["message"]


def test_every_custom_field_the_admin_created_is_sent_and_kept(
    clean: Run, helpdesk: HelpdeskServer
) -> None:
    measured = clean.checks["FIELD-001"]["measured"]
    assert measured["custom_fields"] == ["order_no", "sku", "member_level", "refund_amount"]
    assert measured["not_sendable"] == []
    # the evidence: the helpdesk holds each value, typed as its admin defined the field
    tickets = _api(helpdesk, "/api/tickets/?page_size=1000")["results"]
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
        tickets = [_api(helpdesk, f"/api/tickets/{i.strip()}/") for i in ids.split(",")]
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
    stored = [t for t in _api(helpdesk, "/api/tickets/?page_size=1000")["results"]
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
    phone = _api(helpdesk, f"/api/tickets/{found.group(1)}/")["custom_requester_phone"]
    assert re.fullmatch(r"1[3-9]\d{9}", phone)


def test_pii_blames_the_ticket_that_leaks(clean: Run, helpdesk: HelpdeskServer) -> None:
    message = clean.checks["PII-001"]["message"]
    blamed = re.findall(r"- ticket (\d+) .*\n.*\n\s+Received: 'mobile (\d{3})\*+(\d{4})", message)
    problems = re.match(r"(\d+) problem", message)
    assert problems and len(blamed) == int(problems.group(1)), message
    for ticket, head, tail in blamed:
        phone = _api(helpdesk, f"/api/tickets/{ticket}/")["custom_requester_phone"]
        assert (phone[:3], phone[-4:]) == (head, tail), ticket
    # every ticket holding a phone when PII-001 listed them is blamed: its own read, listed
    # and in its new-ticket webhook delivery, the others listed
    scanned = clean.checks["PII-001"]["measured"]["responses_scanned"]
    assert scanned == {"ticket": 1, "list": 1, "webhook": 1}
    tickets = _api(helpdesk, "/api/tickets/?page_size=1000")["results"]
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
    assert _api(helpdesk, f"/api/tickets/{ticket.group(1)}/")["status"] == 1


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
        assert _api(helpdesk, f"/api/tickets/{ticket}/")["id"] == int(ticket)


@pytest.mark.parametrize(
    ("defects", "check", "evidence"),
    [
        ("drop-field", "FIELD-001", "custom_fields.order_no"),
        ("rewrite-enum", "ENUM-001", ""),
        ("skip-deep", "PAGE-001", "missing"),
    ],
)
def test_proxy_defect_is_caught_by_its_own_check_only(
    helpdesk: HelpdeskServer, clean: Run, tmp_path: Path, defects: str, check: str, evidence: str
) -> None:
    helpdesk.stop()  # a fresh copy of the seeded database: the same start as the clean run
    helpdesk.start()
    with _proxy(helpdesk, defects, tmp_path) as url:
        proxied = _accept(helpdesk, url, tmp_path / "out")
    assert proxied.outcome(check) == "failed", proxied.checks[check]["message"]
    assert evidence in proxied.checks[check]["message"] + json.dumps(
        proxied.checks[check]["measured"]
    )
    changed = {c for c in clean.checks if proxied.outcome(c) != clean.outcome(c)}
    assert changed == {check}, {c: (clean.outcome(c), proxied.outcome(c)) for c in changed}
