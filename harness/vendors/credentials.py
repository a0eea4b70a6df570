"""Where a vendor's credentials come from: an environment variable or a file, never a config
file. Values are wrapped in :class:`~harness.redact.Secret` the moment they are read."""

from __future__ import annotations

from pathlib import Path

from harness.config import VendorSpec
from harness.redact import Secret, secret_from_env, secret_from_file

__all__ = ["bearer_token", "curl_auth", "describe_auth"]


def bearer_token(vendor: VendorSpec, source: str) -> Secret:
    """The bearer token from ``auth.token_env`` or ``auth.token_file`` (a relative path is
    relative to the vendor file ``source``)."""
    auth = vendor.auth
    if auth.kind != "bearer":
        raise ValueError(f"{source}: auth.kind is {auth.kind!r}, not bearer")
    if auth.token_file is not None:
        path = Path(auth.token_file).expanduser()
        if not path.is_absolute():
            path = Path(source).parent / path
        return secret_from_file(path, purpose="auth.token_file", source=source)
    assert auth.token_env is not None  # the model requires exactly one of the two
    return secret_from_env(auth.token_env, purpose="auth.token_env", source=source)


def curl_auth(vendor: VendorSpec) -> list[str]:
    """``curl`` arguments that send the vendor's credential from the same environment
    variables the harness reads, so a pasted reproduction works: ``-u "$EMAIL/token:$TOKEN"``
    or ``-H "Authorization: Bearer $TOKEN"`` (double quotes: the shell expands them)."""
    auth = vendor.auth
    if auth.kind == "bearer":
        where = f"${auth.token_env}" if auth.token_env else f"$(cat {auth.token_file})"
        value = f"{auth.scheme} {where}".lstrip()
        return ["-H", f'"{auth.header}: {value}"']
    if auth.kind == "basic":
        password = f"${auth.password_env}" if auth.password_env else (auth.password or "")
        return ["-u", f'"${auth.username_env}{auth.username_suffix}:{password}"']
    return []


def describe_auth(vendor: VendorSpec) -> str:
    """The auth a run sends, with credentials named, never shown (for ``--dry-run``)."""
    auth = vendor.auth
    if auth.kind == "none":
        return "none"
    if auth.kind == "bearer":
        if vendor.embedded:
            return "bearer (a fresh token for the embedded sandbox)"
        sent = f"{auth.header}: {auth.scheme} <token>".replace(":  ", ": ")
        if auth.token_file is not None:
            return f"bearer ({sent}) from file {auth.token_file}"
        return f"bearer ({sent}) from ${auth.token_env}"
    if auth.kind == "basic":
        password = f"${auth.password_env}" if auth.password_env else "(literal, redacted)"
        return f"basic ${auth.username_env}{auth.username_suffix}:{password}"
    return f"signature {auth.algorithm} ({auth.encoding}), values redacted"
