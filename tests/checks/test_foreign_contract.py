"""Checks that judge only what the vendor's contract declares, proven against the embedded
sandbox described like a foreign vendor (django-helpdesk's shape: a status map without
``pending``, a channel that is free text, new-ticket webhooks), through the real check client
and ``rest`` adapter; the proxy where a defect must be injected."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.checks.contract import Contract, Lifecycle
from harness.checks.identity import fake_mobile
from harness.checks.masking import masked
from harness.checks.registry import CheckFailed
from harness.model import Channel, Customer
from harness.sandbox import SandboxProcess
from tests.fixtures.proxied import REST_YAML, proxy, rest_context, rest_vendor

STATUS_LINE = re.compile(r"(?m)^    status: \{write: .*\n")
CHANNEL_LINE = re.compile(r"(?m)^    channel: \{write: .*\n")
# django-helpdesk's statuses: 1 Open .. 4 Closed, nothing like "pending" (the sandbox spells
# them in words, so the sandbox can serve the contract)
HELPDESK_STATUSES = "    status: {write: {open: open, solved: solved, closed: closed}}\n"


def foreign(statuses: str = HELPDESK_STATUSES, channel: bool = False) -> str:
    """sandbox-rest.yaml with another status map, and the channel enumerated or free text."""
    text = STATUS_LINE.sub(statuses, REST_YAML.read_text("utf-8"))
    return text if channel else CHANNEL_LINE.sub("", text)


@pytest.fixture(scope="module")
def token() -> str:
    return secrets.token_urlsafe(24)


@pytest.fixture(scope="module")
def sandbox(token: str) -> Iterator[SandboxProcess]:
    with SandboxProcess("solid", token=token, max_lifetime=600, startup_timeout=90) as started:
        yield started


def _sent(ctx: Any, field: str, method: str = "PATCH") -> list[object]:
    return [
        e.request.json[field]
        for e in ctx.client.exchanges
        if e.request.method == method and isinstance(e.request.json, dict)
        if field in e.request.json
    ]


def test_sandbox_rest_declares_every_enumeration_it_judges() -> None:
    text = REST_YAML.read_text("utf-8")
    assert STATUS_LINE.search(text) and CHANNEL_LINE.search(text)


def test_enum_002_sends_only_the_statuses_the_vendor_file_declares(
    sandbox: SandboxProcess, token: str, tmp_path: Path
) -> None:
    vendor = rest_vendor(tmp_path, sandbox.url, text=foreign())
    with rest_context(vendor, token, "ENUM-002", tmp_path) as ctx:
        ctx.execute()
        sent = _sent(ctx, "status")
    assert set(sent) == {"open", "solved", "closed"}, sent
    assert ctx.measured["not_sendable"] == ["pending"]
    assert ctx.measured["transitions"] == 3


@pytest.mark.parametrize("closed_final", [False, True])
def test_enum_002_reports_the_reopen_answer_and_judges_it_only_per_contract(
    sandbox: SandboxProcess, token: str, tmp_path: Path, closed_final: bool
) -> None:
    vendor = rest_vendor(tmp_path, sandbox.url, text=foreign())
    contract = Contract(lifecycle=Lifecycle(closed_final=closed_final))
    with rest_context(vendor, token, "ENUM-002", tmp_path, contract) as ctx:
        ctx.execute()  # the sandbox refuses reopening: passes either way
        sent = _sent(ctx, "status")
    assert sent == ["open", "solved", "closed", "open"]
    assert re.fullmatch(r"refused HTTP 4\d\d", ctx.measured["reopen"])


def test_enum_002_is_skipped_naming_the_status_map_when_it_cannot_walk(
    sandbox: SandboxProcess, token: str, tmp_path: Path
) -> None:
    vendor = rest_vendor(tmp_path, sandbox.url, text=foreign("    status: {write: {open: open}}\n"))
    with (
        rest_context(vendor, token, "ENUM-002", tmp_path) as ctx,
        pytest.raises(pytest.skip.Exception, match=r"status.*rest\.enums\.status"),
    ):
        ctx.execute()
    assert _sent(ctx, "status") == []


def _cases(vendor: Path, token: str, out: Path) -> tuple[dict[str, dict[str, Any]], Any]:
    with rest_context(vendor, token, "INPUT-001", out) as ctx:
        try:
            ctx.execute()
        except CheckFailed as failed:
            pytest.fail(str(failed))
    return {c["case"]: c for c in ctx.measured["cases"]}, ctx


def test_input_001_skips_the_unknown_channel_of_a_free_text_channel(
    sandbox: SandboxProcess, token: str, tmp_path: Path
) -> None:
    vendor = rest_vendor(tmp_path, sandbox.url, text=foreign())
    cases, ctx = _cases(vendor, token, tmp_path)
    assert "status" not in cases["unknown channel"]
    assert re.search(r"channel.*rest\.enums\.channel", cases["unknown channel"]["skipped"])
    # the unknown status is written where two declared statuses differ, never as "pending"
    assert cases["unknown status"]["status"] == 422
    assert "pending" not in _sent(ctx, "status")
    assert cases["unknown priority"]["status"] == 422


def test_input_001_judges_the_unknown_channel_of_an_enumerated_channel(
    sandbox: SandboxProcess, token: str, tmp_path: Path
) -> None:
    vendor = rest_vendor(tmp_path, sandbox.url, text=foreign(channel=True))
    cases, _ = _cases(vendor, token, tmp_path)
    assert cases["unknown channel"]["status"] == 422, cases["unknown channel"]


def test_pii_001_names_the_list_row_that_leaked(
    sandbox: SandboxProcess, token: str, tmp_path: Path
) -> None:
    """Another ticket's requester mobile, unmasked in the list by the proxy, is blamed on that
    ticket's row, never on the ticket PII-001 created."""
    upstream = rest_vendor(tmp_path, sandbox.url, "upstream")
    with proxy(upstream, "unmask-pii", token) as url:
        vendor = rest_vendor(tmp_path, url)
        with rest_context(vendor, token, "PII-001", tmp_path) as ctx:
            other_phone = fake_mobile(ctx.session.run_tag + "-other")
            other = ctx.ticket(
                "other",
                customer=Customer(
                    id=ctx.external_id("other-c"),
                    name="另一位客户",
                    identities={Channel.PHONE: other_phone},
                ),
            )
            other_ref, _ = ctx.create(other)
            with pytest.raises(CheckFailed) as failed:
                ctx.execute()
    own = [m for m in failed.value.mismatches if masked(other_phone) not in m.received]
    theirs = [m for m in failed.value.mismatches if masked(other_phone) in m.received]
    listed = [m for m in theirs if "(list:" in m.field]
    assert listed, [m.headline() for m in failed.value.mismatches]
    assert all(m.record == ctx.record(other_ref) for m in theirs), [m.record for m in theirs]
    assert own and all(m.record != ctx.record(other_ref) for m in own)
