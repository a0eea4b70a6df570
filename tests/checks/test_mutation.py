"""The proof that the suite can fail: against ``solid`` every check passes; with one defect
switched on, exactly the check meant for it fails, with a message naming record and field."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import harness.checks.run  # noqa: F401 - imported once here, not again by every inner run
from harness.checks import all_checks
from harness.sandbox import SandboxProcess
from harness.sandbox.defects import DEFECTS
from tests.fixtures.acceptance import VendorFile

CHECKS = len(all_checks())  # also imports every family module once for all inner runs
# Plugins the inner runs do not need; hypothesis alone re-imports itself (5 s) in every run.
NO_PLUGINS = ("-p", "no:hypothesispytest", "-p", "no:faker", "-p", "no:anyio", "-p", "no:respx")
TARGET = {name: text.rsplit(" - ", 1)[1] for name, text in DEFECTS.items()}


def run_suite(
    pytester: pytest.Pytester, vendor: Path, *args: str
) -> tuple[pytest.RunResult, dict[str, Any]]:
    out = pytester.path / "out"
    result = pytester.runpytest(
        "--csm-vendor",
        str(vendor),
        "--csm-out",
        str(out),
        "-p",
        "no:cacheprovider",
        "--csm-contract",
        str(vendor.with_name("contract.yaml")),
        *args,
    )
    return result, json.loads((out / "checks.json").read_text(encoding="utf-8"))


def test_solid_passes_every_check(
    pytester: pytest.Pytester,
    acceptance_sandboxes: dict[str, SandboxProcess],
    vendor_file: VendorFile,
) -> None:
    vendor = vendor_file(acceptance_sandboxes["solid"].url)
    junit = pytester.path / "junit.xml"
    result, data = run_suite(pytester, vendor, f"--junitxml={junit}")
    result.assert_outcomes(passed=CHECKS)
    assert data["schema"] == "csm-harness/checks@1"
    assert data["totals"] == {"passed": CHECKS, "failed": 0, "skipped": 0, "error": 0,
                              "veto_failed": 0}  # fmt: skip
    by_id = {c["id"]: c for c in data["checks"]}
    assert by_id["ROUTE-001"]["measured"]["accuracy"] == 1.0
    assert by_id["MIG-001"]["measured"]["lost"] == 0
    assert by_id["HOOK-001"]["measured"]["delivered"] == by_id["HOOK-001"]["measured"]["expected"]
    assert all(c["title"]["zh-CN"] and c["title"]["en"] and c["acceptance"] for c in data["checks"])
    result.stdout.fnmatch_lines(["*csm-harness acceptance*", "*ROUTE-001*veto*passed*"])
    properties = {p.get("value") for p in ET.parse(junit).iter("property")
                  if p.get("name") == "check_id"}  # fmt: skip
    assert properties == set(by_id)


def test_slow_but_correct_vendor_fails_no_check(
    pytester: pytest.Pytester,
    acceptance_sandboxes: dict[str, SandboxProcess],
    vendor_file: VendorFile,
) -> None:
    """``saturating`` routes ~3.3 tickets/s and has no defect: waits follow its progress (and
    the backlog of earlier checks' tickets), so nothing fails and nothing is skipped."""
    vendor = vendor_file(acceptance_sandboxes["saturating"].url)
    result, data = run_suite(pytester, vendor)
    outcomes = {c["id"]: (c["outcome"], c["message"]) for c in data["checks"]}
    assert all(o == "passed" for o, _ in outcomes.values()), outcomes
    result.assert_outcomes(passed=CHECKS)
    by_id = {c["id"]: c["measured"] for c in data["checks"]}
    assert by_id["ROUTE-001"]["unassigned"] == 0 and by_id["ROUTE-001"]["accuracy"] == 1.0
    assert by_id["HOOK-001"]["delivered"] == by_id["HOOK-001"]["expected"] > 0


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_each_defect_is_caught_by_its_check_only(
    defect: str,
    pytester: pytest.Pytester,
    acceptance_sandboxes: dict[str, SandboxProcess],
    vendor_file: VendorFile,
    sandbox_token: str,
) -> None:
    vendor = vendor_file(acceptance_sandboxes[defect].url)
    result, data = run_suite(pytester, vendor)
    failed = [c for c in data["checks"] if c["outcome"] != "passed"]
    assert [c["id"] for c in failed] == [TARGET[defect]], [c["message"] for c in failed]
    result.assert_outcomes(passed=CHECKS - 1, failed=1)
    message = failed[0]["message"]
    assert re.search(r"^- (ticket|request|customer) .+, field \S+", message, re.MULTILINE), message
    assert "Expected:" in message and "Received:" in message
    assert failed[0]["reproduction"] and failed[0]["reproduction"][0].startswith("curl ")
    assert "$CSM_SANDBOX_TOKEN" in failed[0]["reproduction"][0]
    assert sandbox_token not in json.dumps(data)  # the token itself never appears


def test_long_request_bodies_are_reproduced_from_a_file(
    pytester: pytest.Pytester,
    acceptance_sandboxes: dict[str, SandboxProcess],
    vendor_file: VendorFile,
) -> None:
    """A lost migration record is reproduced with its import batch, too long to inline."""
    vendor = vendor_file(acceptance_sandboxes["lose_import_records"].url)
    result, data = run_suite(pytester, vendor, "-k", "MIG")
    result.assert_outcomes(failed=1, deselected=CHECKS - 1)
    (check,) = data["checks"]
    lost = re.search(r"ticket external_id (\S+), field record", check["message"])
    assert lost is not None, check["message"]
    body = re.search(r"--data-binary @(\S+\.json)", check["reproduction"][0])
    assert body is not None, check["reproduction"][0]
    batch = json.loads(Path(body[1]).read_text(encoding="utf-8"))
    assert lost[1] in {t["external_id"] for t in batch["tickets"]}


def test_defective_preset_fails_every_targeted_check(
    pytester: pytest.Pytester,
    acceptance_sandboxes: dict[str, SandboxProcess],
    vendor_file: VendorFile,
    sandbox_token: str,
) -> None:
    vendor = vendor_file(acceptance_sandboxes["defective"].url)
    result, data = run_suite(pytester, vendor)
    failed = {c["id"] for c in data["checks"] if c["outcome"] == "failed"}
    assert failed == set(TARGET.values())
    assert data["totals"]["veto_failed"] == sum(
        c["severity"] == "veto" for c in data["checks"] if c["id"] in failed
    )
    assert sandbox_token not in json.dumps(data)
    assert sandbox_token not in result.stdout.str()
