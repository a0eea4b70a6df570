"""Acceptance against a vendor whose webhook an admin already pointed at the harness: the
checks bind ``webhooks.listen`` (``--webhook-listen``), register nothing, and verify what
arrives; a vendor declared unsigned (``webhooks.signature: none``) fails HOOK-002 only."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import httpx
import pytest

from harness.checks import all_checks
from harness.config import load_vendor
from harness.errors import ConfigError
from harness.sandbox import SandboxProcess
from harness.vendors.capabilities import offered
from harness.vendors.registry import create_adapter

ROOT = Path(__file__).resolve().parents[2]

NO_PLUGINS = ("-p", "no:hypothesispytest", "-p", "no:faker", "-p", "no:anyio", "-p", "no:respx")
SECRET = "preconfigured-accept-secret"
VENDOR = """\
name: sandbox-preconfigured
title: {{en: "Sandbox, preconfigured webhook", zh-CN: "沙箱（预配置 webhook）"}}
adapter: sandbox
base_url: {url}
auth: {{kind: bearer, token_env: CSM_SANDBOX_TOKEN}}
webhooks: {{supported: true, mode: preconfigured, listen: "127.0.0.1:{port}",
           secret_env: CSM_TEST_WEBHOOK_SECRET, signature: {signature}}}
"""
CONTRACT = "webhooks: {events: 3, wait_s: 3}\nrouting: {wait_s: 10}\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize("signature", ["verify", "none"])
def test_hook_checks_use_the_preconfigured_receiver(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    sandbox_token: str,
    signature: str,
) -> None:
    port = _free_port()
    defects = {} if signature == "verify" else {"defects": "unsigned_webhooks"}
    with SandboxProcess("solid", defects, token=sandbox_token, max_lifetime=300) as sandbox:
        # what the vendor's admin did by hand, once: point the vendor at the harness
        answer = httpx.post(
            f"{sandbox.url}/api/v1/webhooks",
            json={"url": f"http://127.0.0.1:{port}/webhooks", "secret": SECRET},
            headers={"Authorization": f"Bearer {sandbox_token}"},
        )
        assert answer.status_code in (200, 201), answer.text
        monkeypatch.setenv("CSM_SANDBOX_TOKEN", sandbox_token)
        monkeypatch.setenv("CSM_TEST_WEBHOOK_SECRET", SECRET)
        vendor = pytester.path / "vendor.yaml"
        vendor.write_text(VENDOR.format(url=sandbox.url, port=port, signature=signature), "utf-8")
        contract = pytester.path / "contract.yaml"
        contract.write_text(CONTRACT, "utf-8")
        out = pytester.path / "out"
        result = pytester.runpytest(
            "--csm-vendor", str(vendor), "--csm-contract", str(contract), "--csm-out", str(out),
            "-p", "no:cacheprovider", *NO_PLUGINS, "-k", "HOOK",
        )  # fmt: skip
        hooks = httpx.get(
            f"{sandbox.url}/api/v1/webhooks",
            headers={"Authorization": f"Bearer {sandbox_token}"},
        )
    data = json.loads((out / "checks.json").read_text("utf-8"))
    by_id = {c["id"]: c for c in data["checks"]}
    assert by_id["HOOK-001"]["outcome"] == "passed", by_id["HOOK-001"]["message"]
    assert by_id["HOOK-001"]["measured"]["delivered"] == 3
    if hooks.status_code == 200:  # the admin's webhook is the only one: nothing registered
        listed = hooks.json()
        items = listed.get("webhooks", listed) if isinstance(listed, dict) else listed
        assert len(items) == 1, listed
    if signature == "verify":
        assert by_id["HOOK-002"]["outcome"] == "passed", by_id["HOOK-002"]["message"]
        result.assert_outcomes(passed=2, deselected=len(all_checks()) - 2)
    else:
        assert by_id["HOOK-002"]["outcome"] == "failed"
        assert "webhooks.signature: none" in by_id["HOOK-002"]["message"]
    assert "Traceback" not in result.stdout.str() and "INTERNALERROR" not in result.stdout.str()


def _rest_without_registration(url: str, port: int) -> str:
    """sandbox-rest.yaml as an admin-configured vendor: assignments observed by webhook, no
    register/unregister operation at all."""
    text = (ROOT / "scenarios/vendors/sandbox-rest.yaml").read_text("utf-8")
    text = re.sub(r"(?m)^    (un)?register_webhook:\n(?:      .*\n)+", "", text)
    text = re.sub(r"(?m)^base_url: .*$", f"base_url: {url}", text)
    text = re.sub(r"(?m)^sandbox: .*\n", "", text)
    listen = f'listen: "127.0.0.1:{port}"'
    text = re.sub(
        r"(?m)^webhooks: \{supported: true, ",
        f"webhooks: {{supported: true, mode: preconfigured, {listen}, ",
        text,
    )
    text = text.replace("observe: [polling, webhook]", "observe: [webhook]")
    assert "register_webhook" not in text and "mode: preconfigured" in text
    return text


def test_rest_vendor_observed_by_webhook_needs_no_registration_when_preconfigured(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, sandbox_token: str
) -> None:
    port = _free_port()
    with SandboxProcess("solid", token=sandbox_token, max_lifetime=300) as sandbox:
        answer = httpx.post(
            f"{sandbox.url}/api/v1/webhooks",
            json={"url": f"http://127.0.0.1:{port}/webhooks", "secret": SECRET},
            headers={"Authorization": f"Bearer {sandbox_token}"},
        )
        assert answer.status_code in (200, 201), answer.text
        monkeypatch.setenv("CSM_SANDBOX_TOKEN", sandbox_token)
        monkeypatch.setenv("CSM_SANDBOX_WEBHOOK_SECRET", SECRET)
        vendor = pytester.path / "vendor.yaml"
        vendor.write_text(_rest_without_registration(str(sandbox.url), port), "utf-8")
        spec = load_vendor(vendor)  # valid: nothing to register in preconfigured mode
        assert spec.rest is not None and spec.rest.operations.register_webhook is None
        assert "webhooks" not in offered(create_adapter(spec.adapter, str(vendor)))
        contract = pytester.path / "contract.yaml"
        contract.write_text(CONTRACT, "utf-8")
        out = pytester.path / "out"
        result = pytester.runpytest(
            "--csm-vendor", str(vendor), "--csm-contract", str(contract), "--csm-out", str(out),
            "-p", "no:cacheprovider", *NO_PLUGINS, "-k", "HOOK",
        )  # fmt: skip
    data = json.loads((out / "checks.json").read_text("utf-8"))
    by_id = {c["id"]: c for c in data["checks"]}
    for hook in ("HOOK-001", "HOOK-002"):
        assert by_id[hook]["outcome"] == "passed", by_id[hook]["message"]
    assert by_id["HOOK-001"]["measured"]["event"] == "assigned"
    assert "Traceback" not in result.stdout.str() and "INTERNALERROR" not in result.stdout.str()


def test_register_mode_still_needs_the_registration_operations(tmp_path: Path) -> None:
    text = _rest_without_registration("http://127.0.0.1:9", 9)
    vendor = tmp_path / "vendor.yaml"
    vendor.write_text(text.replace("mode: preconfigured, ", ""), "utf-8")
    with pytest.raises(ConfigError, match=r"needs operations\.register_webhook.*preconfigured"):
        load_vendor(vendor)
