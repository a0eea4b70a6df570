"""The checks catch integration defects on a vendor the harness was not built with: an
in-memory Zendesk (documented answer shapes, tests/fixtures/fake_zendesk.py) through the real
check client and the bundled adapter. Clean, each check passes; with one planted defect, the
check meant for it fails naming the record, the surface or the case."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from harness.checks.contract import Contract, Fields, Input, Pagination, Pii, Webhooks
from harness.checks.registry import CheckFailed
from harness.vendors.zendesk import ZendeskAdapter
from tests.fixtures.fake_zendesk import FakeZendesk, zendesk_context

# 5 full pages of Zendesk's largest page size (100): the 500-record floor
PAGES = Contract(pagination=Pagination(tickets=500, page_size=100, min_pages=5, min_new=25))


def _page_check(fake: FakeZendesk, out: Path) -> tuple[dict[str, object], CheckFailed | None]:
    with zendesk_context(fake, "PAGE-001", PAGES, out) as ctx:
        try:
            ctx.execute()
        except CheckFailed as failed:
            return ctx.measured, failed
        return ctx.measured, None


def test_page_001_walks_500_records_and_passes_a_correct_cursor_list(tmp_path: Path) -> None:
    fake = FakeZendesk()
    measured, failed = _page_check(fake, tmp_path)
    assert failed is None
    assert measured["tickets"] == len(fake.tickets) == 500
    assert (measured["listed"], measured["missing"], measured["duplicated"]) == (500, 0, 0)
    assert measured["pages"] == 5 and measured["complete"] is True
    assert measured["out_of_order"] == 0


def test_page_001_finds_one_record_skipped_deep_in_the_cursor_list(tmp_path: Path) -> None:
    fake = FakeZendesk(skip_listed={437})  # page 5 of 5, record 438
    measured, failed = _page_check(fake, tmp_path)
    assert failed is not None
    assert (measured["missing"], measured["listed"], measured["duplicated"]) == (1, 499, 0)
    lost = fake.tickets[437]
    assert len(failed.mismatches) == 1
    mismatch = failed.mismatches[0]
    assert f"ticket {lost['id']}" in mismatch.record and mismatch.received == "'not listed'"
    # the reproduction is the page holding the ticket listed just before it, and the next one
    assert mismatch.requests[0].params["page[after]"].endswith("400")


def test_input_001_sends_a_fresh_idempotency_key_per_case(tmp_path: Path) -> None:
    fake = FakeZendesk()
    with zendesk_context(fake, "INPUT-001", Contract(), tmp_path) as ctx:
        ctx.execute()  # every case refused with a 422 and its reason
    keys = fake.create_keys
    assert len(keys) >= 7 and len(set(keys)) == len(keys), keys
    cases = {c["case"]: c for c in ctx.measured["cases"]}
    assert "IdempotentRequestError" not in str(cases)
    assert cases["blank description"]["status"] == 422
    assert "BlankValue" in cases["blank description"]["refused_by"]
    # the fake accepts "unknown channel" (Zendesk has no channel on create: adapter sends none)
    assert "adapter zendesk does not send channel" in cases["unknown channel"]["skipped"]
    assert cases["unknown priority"]["status"] == 422  # mapped priorities: sent, never skipped
    assert cases["unknown status"]["status"] == 422  # sent through PUT, in Zendesk's encoding
    assert "the contract states no input.max_body_bytes" in cases["oversized body"]["skipped"]


def test_input_001_fails_a_blank_description_accepted_with_201(tmp_path: Path) -> None:
    fake = FakeZendesk(accept_blank=True)
    with zendesk_context(fake, "INPUT-001", Contract(), tmp_path) as ctx:
        with pytest.raises(CheckFailed) as caught:
            ctx.execute()
    failed = {(m.record.split("'")[1], m.field) for m in caught.value.mismatches}
    assert ("blank description", "description") in failed
    assert ("missing description", "description") not in failed


def test_input_001_a_refusal_by_the_idempotency_guard_is_the_wrong_reason(tmp_path: Path) -> None:
    fake = FakeZendesk(idempotency_first=True)
    with zendesk_context(fake, "INPUT-001", Contract(), tmp_path) as ctx:
        with pytest.raises(CheckFailed) as caught:
            ctx.execute()
    wrong = [m for m in caught.value.mismatches if "wrong reason" in m.received]
    assert wrong and all("idempotency" in m.received for m in wrong)
    creates = [c for c in ctx.measured["cases"] if "status" in c and c["case"] != "unknown status"]
    assert len(wrong) == len(creates) >= 6
    assert {m.field for m in caught.value.mismatches} == {m.field for m in wrong}


def _pii_check(fake: FakeZendesk, out: Path) -> tuple[dict[str, object], CheckFailed | None]:
    with zendesk_context(fake, "PII-001", Contract(), out) as ctx:
        try:
            ctx.execute()
        except CheckFailed as failed:
            return ctx.measured, failed
        return ctx.measured, None


def test_pii_001_scans_every_zendesk_surface_and_passes_masked_ones(tmp_path: Path) -> None:
    measured, failed = _pii_check(FakeZendesk(), tmp_path)
    assert failed is None, failed
    scanned = measured["responses_scanned"]
    assert isinstance(scanned, dict)
    assert {"ticket", "list", "full-read", "requester"} <= set(scanned)
    assert all(n >= 1 for n in scanned.values()), scanned


@pytest.mark.parametrize(
    ("knob", "surface"),
    [("unmask_users", "requester"), ("unmask_sideloads", "full-read")],
)
def test_pii_001_finds_the_phone_unmasked_on_one_surface(
    tmp_path: Path, knob: str, surface: str
) -> None:
    fake = FakeZendesk(**{knob: True})  # type: ignore[arg-type]
    _, failed = _pii_check(fake, tmp_path)
    assert failed is not None
    surfaces = {m.field.split("(")[1].split(":")[0] for m in failed.mismatches}
    assert surfaces == {surface}, failed.mismatches
    assert all("phone" in m.field and "mobile" in m.expected for m in failed.mismatches)


def test_page_001_counts_a_record_it_cannot_parse_and_still_judges_the_rest(
    tmp_path: Path,
) -> None:
    fake = FakeZendesk()
    fake.tickets.append({"id": "not-a-ticket", "priority": "p9", "status": 7})  # foreign record
    measured, failed = _page_check(fake, tmp_path)
    assert failed is None
    assert measured["unparseable"] == 1
    assert (measured["missing"], measured["duplicated"]) == (0, 0)


HOOKS = Contract(webhooks=Webhooks(events=3, wait_s=3))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run(
    fake: FakeZendesk, check_id: str, out: Path, contract: Contract = HOOKS, signed: bool = True
) -> tuple[dict[str, object], CheckFailed | None]:
    port = _free_port()
    fake.deliver_to = f"http://127.0.0.1:{port}/zendesk/events"  # what the admin typed in
    with zendesk_context(
        fake, check_id, contract, out, listen=("127.0.0.1", port), signed=signed
    ) as ctx:
        try:
            ctx.execute()
        except CheckFailed as failed:
            return ctx.measured, failed
        return ctx.measured, None


@pytest.mark.parametrize("check_id", ["HOOK-001", "HOOK-002"])
def test_preconfigured_zendesk_ticket_events_pass_both_webhook_checks(
    tmp_path: Path, check_id: str
) -> None:
    fake = FakeZendesk()
    measured, failed = _run(fake, check_id, tmp_path)
    assert failed is None, failed
    assert fake.webhooks_registered == 0  # preconfigured: nothing registered
    if check_id == "HOOK-001":
        assert measured["delivered"] == measured["expected"] == 3
    else:
        assert measured["verified"] == 3


def test_hook_002_fails_unsigned_zendesk_deliveries(tmp_path: Path) -> None:
    fake = FakeZendesk(webhook_secret=None)
    _, delivered = _run(fake, "HOOK-001", tmp_path)
    assert delivered is None  # delivery itself is fine: only HOOK-002 judges signatures
    _, failed = _run(fake, "HOOK-002", tmp_path)
    assert failed is not None and len(failed.mismatches) == 3
    assert all(m.received == "'signature does not verify'" for m in failed.mismatches)
    assert all("x-zendesk-webhook-signature" not in m.note for m in failed.mismatches)


def test_hook_002_fails_a_vendor_declared_unsigned(tmp_path: Path) -> None:
    measured, failed = _run(FakeZendesk(webhook_secret=None), "HOOK-002", tmp_path, signed=False)
    assert failed is not None and measured["unsigned"] == 3
    assert all("webhooks.signature: none" in m.received for m in failed.mismatches)


def test_pii_001_scans_webhook_deliveries_and_finds_the_phone_in_one(tmp_path: Path) -> None:
    measured, failed = _run(FakeZendesk(), "PII-001", tmp_path, Contract())
    assert failed is None, failed
    scanned = measured["responses_scanned"]
    assert isinstance(scanned, dict) and scanned["webhook"] == 1
    _, failed = _run(FakeZendesk(webhook_phone=True), "PII-001", tmp_path, Contract())
    assert failed is not None
    assert [m.field for m in failed.mismatches] == ["detail.requester_phone (webhook: delivery)"]


FIELD_IDS = {"order_no": "27642", "sku": "27643", "会员等级": "27644", "refund_amount": "27645"}


def test_field_001_is_skipped_naming_what_the_adapter_cannot_send(tmp_path: Path) -> None:
    """Without the vendor file's custom_fields map the bundled adapter sends no custom field:
    the check says so instead of blaming Zendesk for dropping them."""
    fake = FakeZendesk()
    with zendesk_context(fake, "FIELD-001", Contract(), tmp_path) as ctx:
        with pytest.raises(pytest.skip.Exception, match="adapter zendesk cannot send"):
            ctx.execute()
    assert fake.tickets[0]["custom_fields"] == []  # nothing was sent to be dropped


def test_field_001_passes_custom_fields_sent_by_field_id(tmp_path: Path) -> None:
    fake = FakeZendesk()
    adapter = ZendeskAdapter(FIELD_IDS)
    with zendesk_context(fake, "FIELD-001", Contract(), tmp_path, adapter=adapter) as ctx:
        ctx.execute()
    sent = {str(f["id"]) for f in fake.tickets[0]["custom_fields"]}
    assert sent == set(FIELD_IDS.values())


def test_field_001_sends_only_the_mapped_fields_valued_by_the_contract(tmp_path: Path) -> None:
    """Only the fields the vendor file maps go out (never one Zendesk was not told about),
    with the contract's value where it gives one (a drop-down's tag)."""
    fake = FakeZendesk()
    adapter = ZendeskAdapter({"order_no": "27642", "member_level": "27646"})
    contract = Contract(fields=Fields(custom={"member_level": "gold"}))
    with zendesk_context(fake, "FIELD-001", contract, tmp_path, adapter=adapter) as ctx:
        ctx.execute()
    sent = {str(f["id"]): f["value"] for f in fake.tickets[0]["custom_fields"]}
    assert sent == {"27642": "SO-2026-000123", "27646": "gold"}
    assert ctx.measured["custom_fields"] == ["order_no", "member_level"]


def test_route_001_without_a_queue_map_is_skipped_with_the_fix(tmp_path: Path) -> None:
    fake = FakeZendesk()
    with zendesk_context(fake, "ROUTE-001", Contract(), tmp_path) as ctx:
        with pytest.raises(pytest.skip.Exception, match=re.escape("queues: {category: queue id}")):
            ctx.execute()
    assert fake.tickets == []  # skipped before any request


def test_input_001_lists_every_case_even_those_it_does_not_send(tmp_path: Path) -> None:
    """A contract whose vendor derives a missing subject: the case is listed as skipped with
    that reason, never silently dropped."""
    contract = Contract(input=Input(subject_required=False, max_body_bytes=2048))
    fake = FakeZendesk(max_body_bytes=2048)
    with zendesk_context(fake, "INPUT-001", contract, tmp_path) as ctx:
        ctx.execute()
    cases = {c["case"]: c for c in ctx.measured["cases"]}
    assert "subject_required: false" in cases["missing subject"]["skipped"]
    assert cases["oversized body"]["status"] == 413  # over the contract's 2 KiB
    assert len(cases) == 10


def test_pii_001_judges_free_text_only_when_the_contract_asks(tmp_path: Path) -> None:
    """The description carries the ID number and mobile in full on every surface: not a
    finding by default (only profile fields must be masked), one per surface with free_text."""
    measured, failed = _pii_check(FakeZendesk(), tmp_path)
    assert failed is None and measured["free_text_judged"] is False
    with zendesk_context(
        FakeZendesk(), "PII-001", Contract(pii=Pii(free_text=True)), tmp_path
    ) as ctx:
        with pytest.raises(CheckFailed) as caught:
            ctx.execute()
    fields = {m.field.split(" (")[0] for m in caught.value.mismatches}
    assert fields and all("description" in f for f in fields), fields
    kinds = {m.expected for m in caught.value.mismatches}
    assert kinds == {"'ID number masked'", "'mobile masked'"}
