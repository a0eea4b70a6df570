"""``run --dry-run`` shows what would be sent, from the real adapter flows, and sends nothing."""

from __future__ import annotations

from pathlib import Path

import httpx
from typer.testing import CliRunner

from harness.cli import app
from harness.orchestrate.dryrun import curl_line, mask_pii
from harness.redact import Secret
from harness.vendors.base import ApiRequest
from tests.fixtures.sandbox import SandboxFactory
from tests.load.helpers import SCENARIOS

runner = CliRunner()


def _vendor(tmp_path: Path, url: str, token: str) -> Path:
    (tmp_path / "t.token").write_text(token, encoding="utf-8")
    (tmp_path / "t.token").chmod(0o600)
    (tmp_path / "v.yaml").write_text(
        f"name: ext\ntitle: {{en: Ext, zh-CN: 外部}}\nadapter: sandbox\nbase_url: {url}\n"
        "auth: {kind: bearer, token_file: t.token}\nwebhooks: {supported: false}\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: dry\nvendors: [v.yaml]\nbounds: {max_duration: 1m, max_requests: 100}\n"
        "traffic: {kind: synthetic, categories: {billing: 1}, channels: {web: 1}, "
        "priorities: {normal: 1}}\nload: {kind: arrival-rate, rate: 2/s, duration: 5s}\n",
        encoding="utf-8",
    )
    return scenario


def test_dry_run_prints_redacted_curls_and_sends_nothing(
    tmp_path: Path, sandbox_factory: SandboxFactory, sandbox_token: str
) -> None:
    sandbox = sandbox_factory("solid")
    scenario = _vendor(tmp_path, sandbox.url, sandbox_token)
    result = runner.invoke(app, ["run", str(scenario), "--dry-run", "--show", "4", "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "DRY RUN: nothing is sent." in out
    assert f"target: {sandbox.url}" in out
    assert "bounds: at most 1m, 100 requests, 30s per request" in out
    assert "planned arrivals: " in out
    assert out.count("curl -X POST") == 4 and out.count("curl -X GET") == 1  # + first poll
    assert "Authorization: [secure]" in out and sandbox_token not in out
    truth = httpx.get(
        f"{sandbox.url}/_sandbox/truth", headers={"Authorization": f"Bearer {sandbox_token}"}
    ).json()
    assert truth["tickets"] == []  # nothing reached the vendor
    assert not list(tmp_path.rglob("run.json"))


def test_dry_run_refuses_a_target_outside_the_allow_list() -> None:
    result = runner.invoke(app, ["run", str(SCENARIOS / "forbidden-target.yaml"), "--dry-run"])
    assert result.exit_code != 0
    assert "is not in allow_hosts" in str(result.exception) or "allow_hosts" in result.output


def test_curl_lines_mask_credentials_and_personal_data() -> None:
    request = ApiRequest(
        "POST", "/t", "POST /t",
        json={"secret": "s3cr3t", "customer": {"name": "张三", "phone": "13912345678"},
              "description": "电话13912345678，邮箱 a.b@corp-mail.cn"},
        headers={"Authorization": "Bearer tok-123", "X-Trace": "tok-123"},
    )  # fmt: skip
    line = curl_line("https://vendor.example.com", request, [Secret("tok-123")])
    for leaked in ("s3cr3t", "张三", "13912345678", "a.b@corp-mail.cn", "tok-123"):
        assert leaked not in line
    assert "[pii:phone]" in line and "[pii:email]" in line
    assert mask_pii({"n": 3, "ok": True}) == {"n": 3, "ok": True}
