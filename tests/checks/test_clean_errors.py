"""No traceback or INTERNALERROR reaches a user of ``accept``: vendors lacking optional
operations get skips naming them; a declared but uncallable operation is one configuration
error (exit 2) before any request; a broken adapter is one line (exit 3 or an error outcome)."""

from __future__ import annotations

import json
import re

import pytest

from harness.checks import all_checks
from harness.checks.context import CheckContext, Session
from harness.checks.contract import Contract
from harness.data.identities import is_valid_email, is_valid_mobile, synthetic_email
from harness.errors import ConfigError
from harness.sandbox import SandboxProcess
from harness.vendors.capabilities import OPERATIONS, lacking, offered, validate
from harness.vendors.sandbox import SandboxAdapter
from tests.fixtures.acceptance import VendorFile

NO_PLUGINS = ("-p", "no:hypothesispytest", "-p", "no:faker", "-p", "no:anyio", "-p", "no:respx")
ADAPTERS = """
import json

from harness.vendors.capabilities import OPERATIONS, NotSupported
from harness.vendors.sandbox import SandboxAdapter


def _refused(method):
    def refuse(self, *args, **kwargs):
        raise NotSupported(self.name, method)

    return refuse


class CoreOnly(SandboxAdapter):
    \"\"\"Creates and reads tickets; every optional operation refused, as a vendor without it
    would (a check calling one unguarded would be skipped naming that method).\"\"\"

    name = "core-only"

    def capabilities(self):
        return []

    def create_ticket(self, ticket):  # every identity a check builds, for the test to validate
        identities = {k.value: v for k, v in ticket.customer.identities.items()}
        row = {"channel": ticket.channel.value, "customer": ticket.customer.id, **identities}
        with open("identities.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(row, ensure_ascii=False) + "\\n")
        return super().create_ticket(ticket)


for _op in OPERATIONS:
    for _method in _op.methods:
        setattr(CoreOnly, _method, _refused(_method))


class WrongSignature(SandboxAdapter):
    name = "wrong-signature"

    def update_ticket(self, ref, *, status=None):
        raise AssertionError("never called: the signature is refused first")


class BrokenExport(SandboxAdapter):
    name = "broken-export"

    def export_tickets(self, since, cursor, limit):
        raise TypeError("export_tickets exploded")


class BrokenList(SandboxAdapter):
    name = "broken-list"

    def list_tickets(self, cursor, limit):
        raise TypeError("list_tickets exploded")
"""
CONFTEST = """
import harness.vendors.registry as registry
import adapters
for name in ("CoreOnly", "WrongSignature", "BrokenExport", "BrokenList"):
    cls = getattr(adapters, name)
    registry._BUNDLED[cls.name] = cls
"""


#: a skip naming an optional operation's method (what an unguarded call gets from CoreOnly)
_REFUSED = re.compile(
    "does not offer (" + "|".join(m for op in OPERATIONS for m in op.methods) + r")\\b"
)


def _run(
    pytester: pytest.Pytester,
    vendor_file: VendorFile,
    url: str,
    adapter: str,
    *args: str,
    webhooks: bool = False,
) -> pytest.RunResult:
    pytester.makepyfile(adapters=ADAPTERS)
    pytester.makeconftest(CONFTEST)
    pytester.syspathinsert()
    vendor = vendor_file(url, webhooks=webhooks)
    vendor.write_text(vendor.read_text("utf-8").replace("adapter: sandbox", f"adapter: {adapter}"))
    return pytester.runpytest(
        "--csm-vendor", str(vendor), "--csm-out", "out", "--csm-contract",
        str(vendor.with_name("contract.yaml")), "-rfEs", *NO_PLUGINS, *args,
    )  # fmt: skip


def _clean(result: pytest.RunResult) -> str:
    text = "\n".join([*result.outlines, *result.errlines])
    assert "Traceback" not in text and "INTERNALERROR" not in text, text[-3000:]
    return text


def test_vendor_lacking_every_optional_operation_gets_named_skips(
    pytester: pytest.Pytester,
    vendor_file: VendorFile,
    acceptance_sandboxes: dict[str, SandboxProcess],
) -> None:
    result = _run(pytester, vendor_file, acceptance_sandboxes["solid"].url, "core-only")
    _clean(result)
    data = json.loads((pytester.path / "out" / "checks.json").read_text(encoding="utf-8"))
    outcomes = {c["id"]: (c["outcome"], c["message"]) for c in data["checks"]}
    assert {o for o, _ in outcomes.values()} <= {"passed", "skipped"}, outcomes
    for check in all_checks():
        outcome, message = outcomes[check.id]
        if check.requires:  # skipped, naming exactly the operations it needs
            assert outcome == "skipped", (check.id, message)
            offer = message.partition("does not offer ")[2]
            named = set(re.findall(r"([\w-]+) \(", offer))
            assert named and named <= set(check.requires), (check.id, message)
        elif outcome == "skipped":  # never for an operation it does not need
            assert not _REFUSED.search(message), (check.id, message)
            assert message.strip(), check.id
    # the checks needing no optional operation ran, with the reads the vendor offers
    for ran in ("AUTH-001", "AUTH-002", "FIELD-001", "FIELD-002", "ENUM-001", "PII-001"):
        assert outcomes[ran][0] == "passed", (ran, outcomes[ran])
    auth = next(c for c in data["checks"] if c["id"] == "AUTH-001")
    assert auth["measured"]["probes"] == 1  # the ticket read; no list to probe
    assert data["operations"] == []
    # every requester e-mail and mobile the checks sent is valid (RFC 5322, allocated prefix)
    sent = (pytester.path / "identities.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in sent]
    assert len(rows) >= 30 and any("phone" in row for row in rows)
    for row in rows:
        email = row.get("email") or synthetic_email(row["customer"])  # what adapters derive
        if row["channel"] == "email" or "email" in row:
            assert is_valid_email(email), row
        if "phone" in row:
            assert is_valid_mobile(row["phone"]), row


def test_webhooks_declared_but_not_registrable_skip_the_hook_checks_only(
    pytester: pytest.Pytester,
    vendor_file: VendorFile,
    acceptance_sandboxes: dict[str, SandboxProcess],
) -> None:
    """The vendor file says webhooks, the adapter cannot register one: HOOK-001/002 are skipped
    naming the operation; PII-001 still scans every surface it can read."""
    url = acceptance_sandboxes["solid"].url
    result = _run(pytester, vendor_file, url, "core-only", "-k", "HOOK or PII", webhooks=True)
    _clean(result)
    data = json.loads((pytester.path / "out" / "checks.json").read_text(encoding="utf-8"))
    outcomes = {c["id"]: (c["outcome"], c["message"]) for c in data["checks"]}
    for hook in ("HOOK-001", "HOOK-002"):
        assert outcomes[hook][0] == "skipped" and "does not offer webhooks" in outcomes[hook][1]
    pii = next(c for c in data["checks"] if c["id"] == "PII-001")
    assert pii["outcome"] == "passed", pii["message"]
    assert pii["measured"]["responses_scanned"] == {"ticket": 1}


def test_declared_but_uncallable_operation_is_one_config_error(
    pytester: pytest.Pytester,
    vendor_file: VendorFile,
    acceptance_sandboxes: dict[str, SandboxProcess],
) -> None:
    result = _run(pytester, vendor_file, acceptance_sandboxes["solid"].url, "wrong-signature")
    text = _clean(result)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        "WrongSignature.update_ticket(ref, status) does not match update_ticket(ref, changes)"
        in (text)
    )


def test_adapter_failing_in_set_up_is_one_line_exit_3(
    pytester: pytest.Pytester,
    vendor_file: VendorFile,
    acceptance_sandboxes: dict[str, SandboxProcess],
) -> None:
    result = _run(pytester, vendor_file, acceptance_sandboxes["solid"].url, "broken-list")
    text = _clean(result)
    assert result.ret == 3
    assert "could not be set up: TypeError: list_tickets exploded" in text


def test_adapter_failing_inside_a_check_is_one_line(
    pytester: pytest.Pytester,
    vendor_file: VendorFile,
    acceptance_sandboxes: dict[str, SandboxProcess],
) -> None:
    url = acceptance_sandboxes["solid"].url
    result = _run(pytester, vendor_file, url, "broken-export", "-k", "PAGE-002")
    text = _clean(result)
    assert "PAGE-002 [major] could not run against" in text
    assert "TypeError: export_tickets exploded" in text


@pytest.mark.parametrize("missing", [op.name for op in OPERATIONS])
def test_each_missing_operation_skips_exactly_the_checks_needing_it(missing: str) -> None:
    sandbox = offered(SandboxAdapter())

    class Lacking(SandboxAdapter):
        def capabilities(self) -> list[str]:
            return [name for name in sandbox if name != missing]

    adapter = Lacking()
    assert validate(adapter) == offered(adapter)
    assert missing in lacking(adapter, [op.name for op in OPERATIONS])
    session = Session(adapter, None, Contract(), "t", None, "s", "bearer")  # type: ignore[arg-type]
    for check in all_checks():
        ctx = CheckContext(check, session)
        if missing in check.requires:
            with pytest.raises(pytest.skip.Exception, match=f"does not offer {missing}"):
                ctx.require(*check.requires)
        else:
            ctx.require(*check.requires)


def test_unknown_declared_operation_is_a_config_error() -> None:
    class Typo(SandboxAdapter):
        def capabilities(self) -> list[str]:
            return ["exports"]

    with pytest.raises(ConfigError, match="unknown operation"):
        validate(Typo())
