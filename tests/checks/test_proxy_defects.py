"""The defect-injecting proxy against the embedded sandbox: ``csm-harness accept`` through
``csm-harness proxy`` (both real subprocesses on loopback, one sandbox for the module). Each
injected defect fails its own check and no other; the clean proxy changes no verdict."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.proxy import KINDS
from harness.sandbox import SandboxProcess
from tests.fixtures.proxied import accept, proxy, rest_vendor, verdicts


@pytest.fixture(scope="module")
def token() -> str:
    return secrets.token_urlsafe(24)


@pytest.fixture(scope="module")
def sandbox(token: str) -> Iterator[SandboxProcess]:
    with SandboxProcess("solid", token=token, max_lifetime=900, startup_timeout=90) as started:
        yield started


@pytest.fixture(scope="module")
def direct(
    sandbox: SandboxProcess, token: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The verdicts without a proxy: what every proxied run is compared with."""
    folder = tmp_path_factory.mktemp("direct")
    code, data, output = accept(rest_vendor(folder, sandbox.url), token, folder / "out")
    assert code == 0, output[-4000:]
    return verdicts(data)


def _through_proxy(
    sandbox: SandboxProcess, token: str, folder: Path, defects: str
) -> tuple[dict[str, str], dict[str, dict[str, object]], str]:
    upstream = rest_vendor(folder, sandbox.url, "upstream")
    with proxy(upstream, defects, token) as url:
        _, data, output = accept(rest_vendor(folder, url), token, folder / "out")
    return verdicts(data), {c["id"]: c for c in data["checks"]}, output


def test_clean_proxy_gives_the_verdicts_of_no_proxy(
    sandbox: SandboxProcess, token: str, direct: dict[str, str], tmp_path: Path
) -> None:
    got, _, output = _through_proxy(sandbox, token, tmp_path, "none")
    assert got == direct, output[-4000:]
    assert "failed" not in got.values()
    skipped = {check for check, outcome in direct.items() if outcome == "skipped"}
    assert skipped == {"IDENT-001", "MIG-001", "PAGE-002", "RATE-001"}  # no such operation


@pytest.mark.parametrize("defect", list(KINDS))
def test_each_defect_is_caught_by_its_own_check_only(
    defect: str, sandbox: SandboxProcess, token: str, direct: dict[str, str], tmp_path: Path
) -> None:
    target = KINDS[defect][2]
    got, checks, output = _through_proxy(sandbox, token, tmp_path, defect)
    changed = {check: outcome for check, outcome in got.items() if outcome != direct[check]}
    assert changed == {target: "failed"}, (changed, output[-4000:])
    message = str(checks[target]["message"])
    assert "Expected:" in message and "Received:" in message, message
