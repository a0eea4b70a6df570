"""Where a vendor's credentials come from: an environment variable or a file, never a config
file. Values are wrapped in :class:`~harness.redact.Secret` the moment they are read."""

from __future__ import annotations

from pathlib import Path

from harness.config import VendorSpec
from harness.redact import Secret, secret_from_env, secret_from_file

__all__ = ["bearer_token"]


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
