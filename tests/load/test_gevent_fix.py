"""geventhttpclient keeps its keep-alive connections on descriptors >= 1024 once patched.

A child process (so this one stays free of gevent) opens 1,100 descriptors, then sends
keep-alive requests to the sandbox through Locust's ``FastHttpSession`` and counts the TCP
connections it created. Stock 2.6.x reconnects on every request there; the fix reuses one.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 20
FILLER_FDS = 1100

CHILD = textwrap.dedent(
    """
    import json, os, resource, sys
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    import locust  # noqa: F401  (gevent-patches the process, as in a real run)
    from geventhttpclient.connectionpool import ConnectionPool
    from locust.contrib.fasthttp import FastHttpSession
    from locust.event import Events

    if sys.argv[2] == "fixed":
        from harness.load import gevent_fix
        assert gevent_fix.apply(), gevent_fix.status()
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(int(sys.argv[3]))]
    created, fds = [], []
    original = ConnectionPool._create_socket
    def counting(self):
        sock = original(self)
        created.append(1)
        fds.append(sock.fileno())
        return sock
    ConnectionPool._create_socket = counting
    session = FastHttpSession(sys.argv[1], Events().request, user=None)
    token = os.environ["CSM_SANDBOX_TOKEN"]
    statuses = [
        session.get("/api/v1/queues", headers={"Authorization": "Bearer " + token}).status_code
        for _ in range(int(sys.argv[4]))
    ]
    print(json.dumps({"created": len(created), "fds": fds, "statuses": statuses}))
    """
)


def _run(sandbox: SandboxProcess, token: str, mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, sandbox.url, mode, str(FILLER_FDS), str(REQUESTS)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "CSM_SANDBOX_TOKEN": token, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def room_for_fds() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < FILLER_FDS + 100:
        pytest.skip(f"the hard open-file limit ({hard}) is below {FILLER_FDS + 100}")


def test_patched_client_reuses_one_connection_above_fd_1024(
    room_for_fds: None, sandbox_solid: SandboxProcess, sandbox_token: str
) -> None:
    result = _run(sandbox_solid, sandbox_token, "fixed")
    assert result["statuses"] == [200] * REQUESTS
    assert result["created"] == 1
    assert min(result["fds"]) >= 1024


def test_stock_client_reconnects_above_fd_1024(
    room_for_fds: None, sandbox_solid: SandboxProcess, sandbox_token: str
) -> None:
    """The bug the fix is for: if this ever fails, geventhttpclient fixed it; drop the patch."""
    result = _run(sandbox_solid, sandbox_token, "stock")
    assert result["statuses"] == [200] * REQUESTS
    assert result["created"] == REQUESTS


def test_the_guard_covers_the_installed_release() -> None:
    """An upgrade past the verified releases fails here: re-check the bug, then widen AFFECTED
    or drop the patch (harness.load.gevent_fix)."""
    from importlib.metadata import version

    installed = tuple(int(p) for p in version("geventhttpclient").split(".")[:2])
    child = subprocess.run(
        [sys.executable, "-c", "from harness.load import gevent_fix as g; print(g.is_affected())"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert child.stdout.strip() == "True", (installed, child.stderr[-2000:])
