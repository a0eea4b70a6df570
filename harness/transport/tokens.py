"""One access token per vendor, shared by every worker process on a host.

Some vendors hand out a *new* token on every fetch and invalidate the previous one (Sobot's
``get_token``; the docs warn not to refresh per call). Workers that each fetched their own
token would log each other out. :class:`SharedToken` keeps the token in a small file under an
exclusive ``flock``: the first process to need one fetches it, everyone else reads it, and a
process whose call was refused refreshes only if the cached token is still the one that was
refused (compare-and-refresh), so N workers seeing the same expiry cause one fetch, not N.

The fetch itself is an adapter flow run by an executor (``fetch`` returns the token and its
lifetime in seconds). For master/worker runs across hosts, point ``path`` at shared storage or
give each host its own vendor credentials.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.redact import Secret

__all__ = ["SharedToken", "token_path"]

Fetch = Callable[[], tuple[str, float]]


def token_path(vendor: str, directory: Path | None = None) -> Path:
    """Where ``vendor``'s shared token lives (``$XDG_RUNTIME_DIR`` or the temp dir)."""
    base = directory or Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    return base / f"csm-harness-token-{os.getuid()}-{vendor}.json"


class SharedToken:
    """``get()`` the current token; ``refused(token)`` after the vendor rejected it."""

    def __init__(
        self, path: Path, fetch: Fetch, clock: Callable[[], float] = time.time, margin_s: float = 60
    ) -> None:
        self._path = path
        self._fetch = fetch
        self._clock = clock
        self._margin_s = margin_s

    def get(self) -> Secret:
        with self._locked() as handle:
            cached = self._read(handle)
            if cached is not None and cached[1] - self._margin_s > self._clock():
                return Secret(cached[0])
            return Secret(self._refresh(handle))

    def refused(self, token: Secret) -> Secret:
        """The token to retry with: a new one only if nobody has replaced ``token`` yet."""
        with self._locked() as handle:
            cached = self._read(handle)
            if cached is not None and cached[0] != token.reveal():
                return Secret(cached[0])  # another worker already refreshed
            return Secret(self._refresh(handle))

    def _refresh(self, handle: int) -> str:
        token, lifetime_s = self._fetch()
        data = json.dumps({"token": token, "expires_at": self._clock() + lifetime_s}).encode()
        os.lseek(handle, 0, os.SEEK_SET)
        os.ftruncate(handle, 0)
        os.write(handle, data)
        os.fsync(handle)
        return token

    @staticmethod
    def _read(handle: int) -> tuple[str, float] | None:
        os.lseek(handle, 0, os.SEEK_SET)
        raw = b""
        while chunk := os.read(handle, 65536):
            raw += chunk
        try:
            data = json.loads(raw)
            return str(data["token"]), float(data["expires_at"])
        except (ValueError, KeyError, TypeError):
            return None

    @contextmanager
    def _locked(self) -> Iterator[int]:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)  # the token is a secret
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)
