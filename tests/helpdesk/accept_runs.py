"""`csm-harness accept` against the test django-helpdesk, directly or behind `csm-harness proxy`
(real subprocesses on loopback), and the verdicts the unmodified helpdesk earns."""

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

from tests.helpdesk.server import HelpdeskServer

__all__ = [
    "CLEAN_FAILED", "CLEAN_PASSED", "CLEAN_SKIPS", "VENDOR", "Run", "accept", "api", "proxy"
]  # fmt: skip

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "scenarios/vendors/django-helpdesk.yaml"
CLI = str(Path(sys.executable).with_name("csm-harness"))
#: the default contract but for patience (every django-helpdesk read walks all its tickets,
#: 1.5 ms each, so a list of 500 on a busy 2-core machine can take longer than 10 s) and the
#: value the shop's choice list accepts (tests/helpdesk/project/seed.py, as an admin made it)
CONTRACT = "request_timeout_s: 60\nfields: {custom: {member_level: 金卡}}\n"

#: the unmodified helpdesk's verdicts; each failure is its own behaviour (see the tests)
CLEAN_FAILED = frozenset({"IDEM-001", "INPUT-001", "PII-001", "HOOK-002"})
CLEAN_PASSED = frozenset({
    "AUTH-001", "AUTH-002", "FIELD-001", "FIELD-002", "ENUM-001", "ENUM-002", "PAGE-001",
    "HOOK-001",
})  # fmt: skip
#: every skip on the clean helpdesk, with words of the reason it names
CLEAN_SKIPS = {
    "IDENT-001": r"does not offer customers",
    "ROUTE-001": r"no category-to-queue map",
    "MIG-001": r"does not offer bulk-import",
    "PAGE-002": r"does not offer export",
    "RATE-001": r"does not offer export",
}


@dataclass(frozen=True)
class Run:
    checks: dict[str, dict[str, Any]]

    def outcome(self, check: str) -> str:
        return str(self.checks[check]["outcome"])

    def verdicts(self) -> dict[str, str]:
        return {check: self.outcome(check) for check in self.checks}

    def message(self, check: str) -> str:
        return str(self.checks[check]["message"])


def accept(server: HelpdeskServer, url: str, out: Path) -> Run:
    """`accept` against ``url`` (the helpdesk or a proxy in front of it), receiving webhooks
    where the helpdesk's admin pointed them; never a traceback."""
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
def proxy(
    server: HelpdeskServer, defects: str, workdir: Path, webhook_target: str | None = None
) -> Iterator[str]:
    """`csm-harness proxy` in front of the helpdesk; its URL. With ``webhook_target``, what
    arrives at ``<url>/_proxy/webhook`` is relayed there."""
    vendor = workdir / "django-helpdesk.yaml"
    text = VENDOR.read_text(encoding="utf-8")
    vendor.write_text(re.sub(r"(?m)^base_url: .*$", f"base_url: {server.url}", text), "utf-8")
    command = [CLI, "proxy", "--vendor", str(vendor), "--defects", defects, "--lang", "en"]
    if webhook_target is not None:
        command += ["--webhook-target", webhook_target]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
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


def api(server: HelpdeskServer, path: str) -> Any:
    """The helpdesk's own answer, read directly: the evidence for a verdict."""
    headers = {"Authorization": f"Token {server.token}"}
    answer = httpx.get(f"{server.url}{path}", headers=headers, timeout=60)
    answer.raise_for_status()
    return answer.json()
