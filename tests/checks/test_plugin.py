"""The plugin's shape: inactive without --csm-vendor, options grouped and prefixed, one clear
error for a vendor that cannot be used, a registry that describes itself."""

from __future__ import annotations

import json
import re

import pytest

from harness.checks import Severity, all_checks
from harness.checks.client import to_curl
from harness.checks.plugin import PLUGIN_NAME
from harness.redact import Secret
from harness.sandbox import SandboxProcess
from harness.sandbox.defects import DEFECTS
from harness.vendors.base import ApiRequest
from tests.fixtures.acceptance import VendorFile

NO_PLUGINS = ("-p", "no:hypothesispytest", "-p", "no:faker", "-p", "no:anyio", "-p", "no:respx")


def test_inactive_without_csm_vendor(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_plain():
            assert True

        def test_wants_fixture(csm_session):
            pass
        """
    )
    result = pytester.runpytest(*NO_PLUGINS)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*fixture 'csm_session' not found*"])
    result.stdout.no_fnmatch_line("*csm-harness acceptance*")
    config = pytester.parseconfigure(*NO_PLUGINS)
    assert not config.pluginmanager.has_plugin(PLUGIN_NAME)
    assert config.pluginmanager.has_plugin("csm_harness")  # loaded, but idle


def test_options_are_grouped_and_prefixed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help", *NO_PLUGINS)
    result.stdout.fnmatch_lines(["customer-support vendor acceptance checks:", "*--csm-vendor*"])
    options = re.findall(r"^\s+(--csm-[a-z-]+)", result.stdout.str(), re.MULTILINE)
    assert {"--csm-vendor", "--csm-scenario", "--csm-contract", "--csm-out"} <= set(options)


def test_unreachable_vendor_is_one_clear_error(
    pytester: pytest.Pytester, vendor_file: VendorFile
) -> None:
    vendor = vendor_file("http://127.0.0.1:9")  # discard port: nothing listens
    result = pytester.runpytest("--csm-vendor", str(vendor), "--csm-out", "out", *NO_PLUGINS)
    assert result.ret == 3
    result.stderr.fnmatch_lines(
        [
            "*vendor sandbox-under-test at http://127.0.0.1:9 cannot be "
            "measured*connection*No check was run."
        ]
    )
    assert "passed" not in result.stdout.str() and "failed" not in result.stdout.str()
    assert not (pytester.path / "out" / "checks.json").exists()


def test_unknown_vendor_name_suggests(pytester: pytest.Pytester) -> None:
    folder = pytester.mkdir("scenarios") / "vendors"
    folder.mkdir()
    (folder / "acme-desk.yaml").write_text("name: acme-desk\n", "utf-8")
    result = pytester.runpytest("--csm-vendor", "acme-dsk", *NO_PLUGINS)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no vendor named 'acme-dsk'*Did you mean 'acme-desk'?*"])


def test_missing_token_names_the_variable(
    pytester: pytest.Pytester,
    vendor_file: VendorFile,
    monkeypatch: pytest.MonkeyPatch,
    acceptance_sandboxes: dict[str, SandboxProcess],
) -> None:
    vendor = vendor_file(acceptance_sandboxes["solid"].url)
    monkeypatch.delenv("CSM_SANDBOX_TOKEN")
    result = pytester.runpytest("--csm-vendor", str(vendor), *NO_PLUGINS)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*environment variable CSM_SANDBOX_TOKEN is not set*"])


def test_adapter_without_capabilities_is_skipped_not_passed(
    pytester: pytest.Pytester,
    vendor_file: VendorFile,
    acceptance_sandboxes: dict[str, SandboxProcess],
) -> None:
    """A vendor whose adapter lacks the admin capabilities: those checks are skipped."""
    pytester.makepyfile(
        plain_adapter="""
        from harness.vendors.sandbox import SandboxAdapter

        class CoreOnly:
            name = "core-only"

            def __init__(self):
                self._inner = SandboxAdapter()

            def __getattr__(self, attr):
                if attr in ("create_ticket", "get_ticket", "fetch_assignment", "list_tickets",
                            "register_webhook", "unregister_webhook", "parse_webhook"):
                    return getattr(self._inner, attr)
                raise AttributeError(attr)
        """
    )
    pytester.syspathinsert()
    vendor = vendor_file(acceptance_sandboxes["solid"].url)
    vendor.write_text(vendor.read_text("utf-8").replace("adapter: sandbox", "adapter: core-only"))
    pytester.makeconftest(
        """
        import harness.vendors.registry as registry
        from plain_adapter import CoreOnly
        registry._BUNDLED["core-only"] = CoreOnly

        def pytest_csm_check_result(result):
            print(f"hook: {result.id} {result.outcome}")
        """
    )
    contract = vendor.with_name("contract.yaml")
    result = pytester.runpytest(
        "--csm-vendor",
        str(vendor),
        "--csm-out",
        "out",
        *NO_PLUGINS,
        "--csm-contract",
        str(contract),
        "-rs",
        "-s",
        "-k",
        "ENUM-002 or MIG or IDENT",
    )
    result.assert_outcomes(skipped=3, deselected=14)
    result.stdout.fnmatch_lines(["*hook: ENUM-002 skipped*"])
    result.stdout.fnmatch_lines(["*does not offer update (update_ticket)*"])
    data = json.loads((pytester.path / "out" / "checks.json").read_text(encoding="utf-8"))
    assert {c["outcome"] for c in data["checks"]} == {"skipped"}
    assert all("does not offer" in c["message"] for c in data["checks"])


def test_registry_describes_every_check() -> None:
    checks = all_checks()
    ids = [c.id for c in checks]
    assert len(ids) == len(set(ids))
    for c in checks:
        assert re.fullmatch(r"[A-Z]+-\d{3}", c.id)
        assert isinstance(c.severity, Severity)
        assert c.title["en"] and c.title["zh-CN"] and c.acceptance
    # every sandbox defect names a check that exists, and each check family has a defect
    targets = {text.rsplit(" - ", 1)[1] for text in DEFECTS.values()}
    assert targets <= set(ids)
    assert {c.family for c in checks if c.id in targets} == {c.family for c in checks}


def test_curl_reproduction_names_the_variable_never_the_secret() -> None:
    secret = Secret("s3cr3t-token-value")
    request = ApiRequest(
        "POST",
        "/api/v1/tickets",
        "POST /tickets",
        json={"subject": "含 'quote' s3cr3t-token-value"},
        params={"a": "b c"},
    )
    auth = ["-H", '"Authorization: Bearer $ACME_TOKEN"']
    text = to_curl(request, "http://127.0.0.1:1", auth, [secret])
    assert text.startswith("curl -sS -X POST 'http://127.0.0.1:1/api/v1/tickets?a=b+c'")
    assert '-H "Authorization: Bearer $ACME_TOKEN"' in text
    assert "s3cr3t-token-value" not in text and "[secure]" in text
