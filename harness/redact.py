"""Secrets that cannot leak by accident: ``str()`` and ``repr()`` show ``[secure]``.

Config files hold only the *names* of environment variables; :func:`secret_from_env` reads the
value and wraps it at once, so it never reaches a log line, a report or an exception text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from harness.errors import ConfigError

REDACTED = "[secure]"
_SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


class Secret:
    """A credential. Read it with :meth:`reveal` only where it is put on the wire."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def secret_from_env(name: str, *, purpose: str, source: str) -> Secret:
    """The value of environment variable ``name``; a clear ConfigError if it is not set."""
    value = os.environ.get(name)
    if not value:
        raise ConfigError(
            f"{source}: {purpose}: environment variable {name} is not set. "
            f"Export it (export {name}=...) before running."
        )
    return Secret(value)


def secret_from_file(path: Path, *, purpose: str, source: str) -> Secret:
    """The first line of file ``path``; a clear ConfigError if it is missing, empty or readable
    by others (as ssh refuses a private key others can read)."""
    where = f"{source}: {purpose}"
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{where}: {path} does not exist. Write the token into it.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: {path} cannot be read ({type(exc).__name__}).") from None
    if os.name == "posix" and mode & 0o077:
        raise ConfigError(
            f"{where}: {path} is readable by other users; run 'chmod 600 {path}' first."
        )
    lines = text.strip().splitlines()
    if not lines or not lines[0].strip():
        raise ConfigError(f"{where}: {path} is empty. Write the token into it.")
    return Secret(lines[0].strip())


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in _SENSITIVE_HEADERS else v) for k, v in headers.items()}


def redact_text(text: str, secrets: list[Secret]) -> str:
    """Replace every occurrence of any secret's value in ``text``."""
    for secret in secrets:
        value = secret.reveal()
        if value:
            text = text.replace(value, REDACTED)
    return re.sub(r"(?i)(bearer\s+)[^\s\"']+", r"\1" + REDACTED, text)
