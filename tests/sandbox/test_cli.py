"""``python -m harness.sandbox`` and SandboxProcess: usage errors exit 2, signals exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.sandbox import SandboxProcess
from harness.sandbox.__main__ import main

TOKEN_ENV = "CSM_SANDBOX_TOKEN"


def _run(*args: str, token: str | None = "t0ken") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    if token is not None:
        env[TOKEN_ENV] = token
    return subprocess.run(
        [sys.executable, "-m", "harness.sandbox", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )


def test_missing_token_variable_exits_2() -> None:
    result = _run(token=None)
    assert result.returncode == 2
    assert "CSM_SANDBOX_TOKEN is not set" in result.stderr
    assert result.stdout == ""


def test_non_loopback_host_exits_2() -> None:
    result = _run("--host", "0.0.0.0")
    assert result.returncode == 2
    assert "'0.0.0.0' is not a loopback address" in result.stderr


def test_stops_by_itself_after_max_lifetime() -> None:
    result = _run("--max-lifetime", "0.5", token="secret-value")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    ready = json.loads(lines[0])
    assert ready["url"].startswith("http://127.0.0.1:")
    assert ready["profile"] == "solid"
    assert isinstance(ready["pid"], int)
    assert "secret-value" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--host", "192.168.1.10"], "is not a loopback address"),
        (["--host", "example.com"], "is not a loopback address"),
        (["--profile", "solidd"], "Did you mean 'solid'?"),
        (["--set", "agent=3"], "unknown field 'agent'; valid: name, categories, agents,"),
        (["--set", "agent=3"], "Did you mean 'agents'?"),
        (["--set", "agents=many"], "agents='many': expected an integer"),
        (["--set", "agents=0"], "agents must be >= 1"),
        (["--set", "simulated_agents=maybe"], "expected true or false"),
        (["--set", "agents"], "expected KEY=VALUE"),
        (["--token-env", "MY_TOKEN"], "environment variable MY_TOKEN is not set"),
    ],
    ids=[
        "private-host",
        "hostname",
        "profile-typo",
        "unknown-field",
        "did-you-mean",
        "not-int",
        "below-min",
        "not-bool",
        "no-equals",
        "token-env",
    ],
)
def test_usage_errors_exit_2(
    argv: list[str],
    expected: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "t0ken")
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert expected in captured.err
    assert captured.err.startswith("Error: ")
    assert captured.out == ""


def test_sandbox_process_stops_with_exit_0(sandbox_token: str) -> None:
    sandbox = SandboxProcess("saturating", {"agents": "3"}, token=sandbox_token).start()
    assert sandbox.running
    assert sandbox.url.startswith("http://127.0.0.1:")
    assert sandbox_token not in repr(sandbox)
    assert sandbox.stop() == 0
    assert not sandbox.running


def test_sandbox_process_failure_shows_stderr(sandbox_token: str) -> None:
    with pytest.raises(TimeoutError) as info:
        SandboxProcess("solid", {"agnets": "3"}, token=sandbox_token).start()
    message = str(info.value)
    assert "exited with code 2 before ready" in message
    assert "Did you mean 'agents'?" in message
    assert sandbox_token not in message


def test_listening_socket_queues_thousands_of_connects(sandbox_solid: SandboxProcess) -> None:
    """Thousands of sessions connecting within seconds must not overflow the accept queue
    (the kernel would drop their SYNs, and clients wait 1 to 31 s to retry): the listening
    socket's backlog, which ``ss`` shows as Send-Q, is above aiohttp's default of 128."""
    port = sandbox_solid.url.rsplit(":", 1)[1]
    listing = subprocess.run(
        ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout.split()
    backlog = int(listing[2])  # State Recv-Q Send-Q Local Peer
    assert backlog >= min(1024, int(Path("/proc/sys/net/core/somaxconn").read_text()))
