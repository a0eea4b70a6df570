"""VendorSpec: which adapter talks to a vendor, where, and how it authenticates.

``scenarios/vendors/sandbox-solid.yaml`` is the worked example. Credentials are never in the
file: ``auth.token_env`` and ``webhooks.secret_env`` name environment variables (or
``auth.token_file`` a file), which the transport reads when it signs a request. Error
messages about those fields never echo what was written, in case someone pasted the secret.
"""

from __future__ import annotations

import os
import re
from typing import Annotated, Final, Literal, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from harness.config.loader import Slug, StrictModel, validate
from harness.config.problems import ConfigValueError

__all__ = [
    "Auth",
    "BearerAuth",
    "NoAuth",
    "SandboxOptions",
    "Title",
    "VendorSpec",
    "Webhooks",
    "load_vendor",
]

_ENV_NAME: Final = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def _check_env_name(value: str) -> str:
    if not _ENV_NAME.match(value):  # never echo the value: it may be the secret itself
        raise ValueError(
            "must be the NAME of an environment variable (capital letters, digits and _, "
            "e.g. CSM_SANDBOX_TOKEN), never the secret itself"
        )
    return value


EnvVarName = Annotated[str, AfterValidator(_check_env_name)]


def _check_base_url(value: str) -> str:
    if value == "embedded":
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            "must be 'embedded' or an http(s) URL such as 'https://acme.example.com/api/v2'"
        )
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            "must not contain credentials; put the token in an environment variable and name "
            "it in auth.token_env"
        )
    if parts.query or parts.fragment:
        raise ValueError("must not have a query or fragment; write the API root only")
    return value


class Title(StrictModel):
    """The vendor's display name in both report languages."""

    en: str = Field(min_length=1, examples=["Acme Desk"])
    zh_cn: str = Field(alias="zh-CN", min_length=1, examples=["Acme 客服"])


class SandboxOptions(StrictModel):
    """How the harness starts its embedded sandbox (only with ``base_url: embedded``)."""

    profile: Slug = Field(examples=["solid"], description="solid, saturating or defective.")
    overrides: dict[Slug, str] = Field(
        default_factory=dict, description="Profile settings to override, e.g. routing_workers."
    )


class BearerAuth(StrictModel):
    """The bearer token comes from an environment variable or a file, never from this file."""

    kind: Literal["bearer"] = Field(examples=["bearer"])
    token_env: EnvVarName | None = Field(default=None, examples=["CSM_SANDBOX_TOKEN"])
    token_file: str | None = Field(
        default=None,
        min_length=1,
        examples=["~/.config/csm-harness/acme.token"],
        description="File holding the token (relative to this file; readable by you only).",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.token_env is None) == (self.token_file is None):
            raise ConfigValueError.at(
                ("token_env",),
                "give exactly one of token_env (an environment variable's name) or "
                "token_file (a file holding the token)",
            )
        return self


class NoAuth(StrictModel):
    kind: Literal["none"] = Field(examples=["none"])


Auth = Annotated[BearerAuth | NoAuth, Field(discriminator="kind")]


class Webhooks(StrictModel):
    supported: bool = Field(examples=[True])
    secret_env: EnvVarName | None = Field(
        default=None, description="Environment variable holding the webhook signing secret."
    )


class VendorSpec(StrictModel):
    """One vendor file under ``scenarios/vendors/``."""

    name: Slug = Field(examples=["sandbox-solid"])
    title: Title = Field(examples=[{"en": "Acme Desk", "zh-CN": "Acme 客服"}])
    adapter: Slug = Field(examples=["sandbox"], description="Adapter registry name.")
    base_url: Annotated[str, AfterValidator(_check_base_url)] = Field(
        examples=["embedded"],
        description="'embedded' (the harness starts a sandbox on loopback) or an http(s) URL.",
    )
    sandbox: SandboxOptions | None = None
    auth: Auth = Field(examples=[{"kind": "bearer", "token_env": "ACME_TOKEN"}])
    webhooks: Webhooks = Field(default_factory=lambda: Webhooks(supported=False))

    @model_validator(mode="after")
    def _sandbox_only_when_embedded(self) -> Self:
        if self.embedded and self.sandbox is None:
            raise ConfigValueError.at(
                ("base_url",), "embedded needs a sandbox section; add 'sandbox: {profile: solid}'"
            )
        if self.embedded and self.auth.kind == "bearer" and self.auth.token_file is not None:
            raise ConfigValueError.at(
                ("auth", "token_file"),
                "an embedded sandbox gets a fresh token at every run; use token_env instead",
            )
        if not self.embedded and self.sandbox is not None:
            raise ConfigValueError.at(
                ("sandbox",), "only allowed with base_url: embedded; remove it for a real vendor"
            )
        return self

    @property
    def embedded(self) -> bool:
        """True when the harness starts its own sandbox for this vendor."""
        return self.base_url == "embedded"


def load_vendor(path: str | os.PathLike[str]) -> VendorSpec:
    """Load and validate one vendor file."""
    return validate(VendorSpec, path)
