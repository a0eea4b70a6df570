"""``csm-harness vendors --probe FILE --set vendor.FIELD=VALUE``: the same overrides as run,
accept and breakpoint. A file written for the vendor's real host is probed against a sandbox
on loopback by overriding ``base_url``, through the real CLI; a wrong ``--set`` is a usage
error naming what can be set."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.sandbox import SandboxFactory
from tests.load.helpers import csm_harness

ROOT = Path(__file__).resolve().parents[2]
DESK = (ROOT / "scenarios" / "vendors" / "sandbox-desk.yaml").read_text(encoding="utf-8")
EMBEDDED = "base_url: embedded\nsandbox: {profile: solid}\n"


def _remote(tmp_path: Path) -> Path:
    assert EMBEDDED in DESK
    path = tmp_path / "desk.yaml"
    path.write_text(DESK.replace(EMBEDDED, "base_url: https://desk.example.com\n"), "utf-8")
    return path


def _cli(*args: str) -> tuple[int, str]:
    done = csm_harness("vendors", *args, cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, " ".join((done.stdout + done.stderr).split())


def test_set_base_url_probes_another_instance(
    tmp_path: Path,
    sandbox_factory: SandboxFactory,
    sandbox_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    remote = _remote(tmp_path)
    sandbox = sandbox_factory("solid")
    monkeypatch.setenv("CSM_SANDBOX_TOKEN", sandbox_token)
    code, out = _cli("--probe", str(remote), "--probe-watch", "2")
    assert code == 2 and "desk.example.com is neither loopback" in out, out
    code, out = _cli(
        "--probe", str(remote), "--probe-watch", "2", "--set", f"vendor.base_url={sandbox.url}"
    )
    assert code == 0, out
    assert sandbox.url in out and "probe PASSED" in out


def test_set_applies_to_check_too(tmp_path: Path) -> None:
    code, out = _cli("--check", str(_remote(tmp_path)), "--set", "vendor.base_url=ftp://x")
    assert code == 2, out
    assert "base_url" in out and "http(s)" in out


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("vendor.name=other", "vendor.name cannot be set; settable: vendor.base_url"),
        ("vendor.bsae_url=http://127.0.0.1:1", "Did you mean 'base_url'?"),
        ("base_url", "write vendor.FIELD=VALUE"),
    ],
    ids=["not-settable", "typo", "no-value"],
)
def test_a_wrong_set_is_a_usage_error(tmp_path: Path, item: str, expected: str) -> None:
    code, out = _cli("--probe", str(_remote(tmp_path)), "--set", item)
    assert code == 2, out
    assert expected in out
