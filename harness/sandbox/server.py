"""Start the sandbox as a child process on a free loopback port, wait for it, stop it cleanly.

    with SandboxProcess("saturating", {"agents": "5"}, token=token) as sandbox:
        httpx.get(f"{sandbox.url}/_sandbox/health")

The child prints one JSON line when it listens; :meth:`SandboxProcess.start` waits for it with a
deadline and raises :class:`TimeoutError` carrying the tail of the child's stderr if the child
dies or is slow. Imports the standard library only, so the harness side stays light.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import IO, Any

__all__ = ["SandboxProcess"]

_NO_OVERRIDES: Mapping[str, str] = MappingProxyType({})
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
_STOP_GRACE_S = 5.0


class SandboxProcess:
    """One sandbox child process. Use as a context manager, or call start() and stop()."""

    def __init__(
        self,
        profile: str = "solid",
        overrides: Mapping[str, str] = _NO_OVERRIDES,
        *,
        token: str,
        seed: int = 7,
        startup_timeout: float = 60.0,
        host: str = "127.0.0.1",
        max_lifetime: float = 3600.0,
        token_env: str = "CSM_SANDBOX_TOKEN",
    ) -> None:
        self.profile = profile
        self.overrides = dict(overrides)
        self.seed = seed
        self.startup_timeout = startup_timeout
        self.host = host
        self.max_lifetime = max_lifetime
        self.token_env = token_env
        self._token = token
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._url: str | None = None
        self._pid: int | None = None

    def __repr__(self) -> str:  # never shows the token
        return f"SandboxProcess(profile={self.profile!r}, url={self._url!r})"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``; only after :meth:`start`."""
        if self._url is None:
            raise RuntimeError("SandboxProcess.url is only known after start()")
        return self._url

    @property
    def pid(self) -> int:
        if self._pid is None:
            raise RuntimeError("SandboxProcess.pid is only known after start()")
        return self._pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def command(self) -> list[str]:
        argv = [sys.executable, "-m", "harness.sandbox", "--profile", self.profile]
        argv += ["--host", self.host, "--port", "0", "--seed", str(self.seed)]
        argv += ["--max-lifetime", str(self.max_lifetime), "--token-env", self.token_env]
        for key, value in self.overrides.items():
            argv += ["--set", f"{key}={value}"]
        return argv

    def start(self) -> SandboxProcess:
        if self._proc is not None:
            raise RuntimeError("SandboxProcess already started")
        env = dict(os.environ)
        env[self.token_env] = self._token
        path = env.get("PYTHONPATH")
        env["PYTHONPATH"] = _PROJECT_ROOT + (os.pathsep + path if path else "")
        self._stderr = tempfile.TemporaryFile()  # a file, so a chatty child never blocks
        self._proc = subprocess.Popen(
            self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self._stderr, env=env,
        )  # fmt: skip
        try:
            ready = self._read_ready_line()
        except BaseException:
            self.stop()
            raise
        self._url, self._pid = str(ready["url"]), int(ready["pid"])
        return self

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after 5 s; the child's exit code (None if never started)."""
        proc, self._proc = self._proc, None
        code: int | None = None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=_STOP_GRACE_S)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            code = proc.returncode
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        return code

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # internals -----------------------------------------------------------------------------
    def _read_ready_line(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        stdout = self._proc.stdout
        deadline = time.monotonic() + self.startup_timeout
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._failure(f"not ready after {self.startup_timeout} s"))
                if not selector.select(remaining):
                    continue
                chunk = os.read(stdout.fileno(), 4096)
                if not chunk:
                    self._proc.wait(timeout=_STOP_GRACE_S)
                    code = self._proc.returncode
                    raise TimeoutError(self._failure(f"exited with code {code} before ready"))
                buffer += chunk
        line = buffer.split(b"\n", 1)[0]
        try:
            ready = json.loads(line)
            if not isinstance(ready, dict) or "url" not in ready or "pid" not in ready:
                raise ValueError("missing url or pid")
        except ValueError:
            raise TimeoutError(
                self._failure(f"printed an unexpected ready line {line!r}")
            ) from None
        return ready

    def _failure(self, what: str) -> str:
        return (
            f"sandbox (profile {self.profile!r}) {what}.\n"
            f"command: {' '.join(self.command())}\n"
            f"stderr (last lines):\n{self._stderr_tail()}"
        )

    def _stderr_tail(self, lines: int = 20) -> str:
        if self._stderr is None:
            return "  (none)"
        self._stderr.flush()
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").rstrip()
        tail = text.splitlines()[-lines:]
        return "\n".join(f"  {line}" for line in tail) if tail else "  (empty)"
