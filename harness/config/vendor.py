"""VendorSpec: which adapter talks to a vendor, where, and how it authenticates.

``scenarios/vendors/sandbox-solid.yaml`` is the worked example. Credentials are never in the
file: ``auth.token_env`` and ``webhooks.secret_env`` name environment variables (or
``auth.token_file`` a file), which the transport reads when it signs a request. Error
messages about those fields never echo what was written, in case someone pasted the secret.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Annotated, Final, Literal, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from harness.config.loader import Slug, StrictModel, load_yaml, validate_data
from harness.config.problems import ConfigValueError
from harness.config.rest import RestSpec
from harness.config.templates import check as check_template

__all__ = [
    "SIGNATURE_PLACEHOLDERS",
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "NoAuth",
    "SandboxOptions",
    "SignatureAuth",
    "Title",
    "VendorSpec",
    "Webhooks",
    "load_vendor",
    "vendor_schema_text",
    "write_vendor_schema",
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


def _check_scheme(value: str) -> str:
    # One word, or a word and a parameter name (Zammad's ``Token token=``); never echo: a token?
    if value and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*( [A-Za-z][A-Za-z0-9_.-]*=)?", value):
        raise ValueError(
            "must be one word such as Bearer or Token, or a word and a parameter such as "
            "'Token token=' (the token itself goes in an environment variable named by token_env)"
        )
    return value


class BearerAuth(StrictModel):
    """The bearer token comes from an environment variable or a file, never from this file.

    ``scheme`` is the word before the token: ``Authorization: Token <key>`` (Django REST
    framework) is ``scheme: Token``, ``Authorization: Token token=<key>`` (Zammad) is ``scheme:
    "Token token="``; ``header`` names another header (``X-Api-Key``), and ``scheme: ""`` sends
    the bare token."""

    kind: Literal["bearer"] = Field(examples=["bearer"])
    scheme: Annotated[str, AfterValidator(_check_scheme)] = Field(
        default="Bearer", max_length=40, examples=["Token"]
    )
    header: str = Field(default="Authorization", min_length=1, max_length=80)
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


def _check_placeholder_password(value: str) -> str:
    if len(value) != 1:  # never echo it: it may be a real password
        raise ValueError(
            "a literal password is only for one-character placeholders such as Freshdesk's 'X'; "
            "put the real password in an environment variable and name it in password_env"
        )
    return value


class BasicAuth(StrictModel):
    """HTTP Basic. Zendesk: ``username_env: ZENDESK_EMAIL, username_suffix: /token,
    password_env: ZENDESK_API_TOKEN``; Freshdesk: ``username_env: FRESHDESK_API_KEY, password: X``.
    """

    kind: Literal["basic"] = Field(examples=["basic"])
    username_env: EnvVarName = Field(examples=["ZENDESK_EMAIL"])
    username_suffix: str = Field(default="", max_length=40, examples=["/token"])
    password_env: EnvVarName | None = Field(default=None, examples=["ZENDESK_API_TOKEN"])
    password: Annotated[str, AfterValidator(_check_placeholder_password)] | None = Field(
        default=None,
        description="A literal one-character placeholder password such as Freshdesk's 'X'.",
    )

    @model_validator(mode="after")
    def _one_password(self) -> Self:
        if (self.password_env is None) == (self.password is None):
            raise ConfigValueError.at(
                ("password_env",),
                "write exactly one of password_env (the environment variable holding the "
                "password or API token) and password (a literal placeholder such as X)",
            )
        return self


SignatureAlgorithm = Literal["md5", "sha1", "sha256", "hmac-sha1", "hmac-sha256"]
SIGNATURE_PLACEHOLDERS: Final = (
    "timestamp",
    "timestamp_ms",
    "nonce",
    "method",
    "path",
    "body",
    "body_md5",
    "body_sha1",
    "body_sha256",
)


class SignatureAuth(StrictModel):
    """A digest or HMAC over a message built from a template, sent as query or header values.

    Udesk Open API v2::

        kind: signature
        algorithm: sha256
        message: "{env:UDESK_EMAIL}&{env:UDESK_API_TOKEN}&{timestamp}&{nonce}&v2"
        query: {email: "{env:UDESK_EMAIL}", timestamp: "{timestamp}", nonce: "{nonce}",
                sign: "{signature}", sign_version: v2}
    """

    kind: Literal["signature"] = Field(examples=["signature"])
    algorithm: SignatureAlgorithm = Field(examples=["sha256"])
    key_env: EnvVarName | None = Field(
        default=None, description="HMAC key (hmac-* algorithms only).", examples=["ACME_SECRET"]
    )
    message: str = Field(min_length=1, examples=["{env:ACME_KEY}{timestamp}{nonce}"])
    encoding: Literal["hex", "base64"] = "hex"
    query: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        hmac_kind = self.algorithm.startswith("hmac-")
        if hmac_kind and self.key_env is None:
            problems.append((("key_env",), f"{self.algorithm} needs key_env: the HMAC key"))
        if not hmac_kind and self.key_env is not None:
            problems.append(
                (("key_env",), f"only for hmac-* algorithms; put the secret in message instead "
                 f"(e.g. '{{env:{self.key_env}}}{{timestamp}}')")
            )  # fmt: skip
        message_problem = check_template(self.message, SIGNATURE_PLACEHOLDERS, env=True)
        if message_problem:
            problems.append((("message",), message_problem))
        allowed = (*SIGNATURE_PLACEHOLDERS, "signature")
        for part in ("query", "headers"):
            for key, value in getattr(self, part).items():
                problem = check_template(value, allowed, env=True)
                if problem:
                    problems.append(((part, key), problem))
        sent = [*self.query.values(), *self.headers.values()]
        if not any("{signature}" in value for value in sent):
            problems.append(
                (("query",), "the signature is never sent; add e.g. 'sign: \"{signature}\"' "
                 "under query or headers")
            )  # fmt: skip
        if problems:
            raise ConfigValueError(problems)
        return self


Auth = Annotated[BearerAuth | BasicAuth | SignatureAuth | NoAuth, Field(discriminator="kind")]


def _check_listen(value: str | None) -> str | None:
    if value is None:
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("must be HOST:PORT, e.g. '127.0.0.1:8765'")
    return value


def _check_public_url(value: str | None) -> str | None:
    if value is None or value.startswith("{env:"):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL such as 'https://hooks.example.com/webhooks'")
    return value


WebhookEventKind = Literal["assigned", "created", "updated"]


class Webhooks(StrictModel):
    supported: bool = Field(examples=[True])
    secret_env: EnvVarName | None = Field(
        default=None, description="Environment variable holding the webhook signing secret."
    )
    mode: Literal["register", "preconfigured"] = Field(
        default="register",
        description="register: the adapter creates the webhook before any load and removes it "
        "after; preconfigured: an admin already points the vendor at public_url (no call).",
    )
    listen: Annotated[str | None, AfterValidator(_check_listen)] = Field(
        default=None,
        examples=["127.0.0.1:8765"],
        description="HOST:PORT the receiver binds (default: a free loopback port); "
        "also --webhook-listen.",
    )
    public_url: Annotated[str | None, AfterValidator(_check_public_url)] = Field(
        default=None,
        description="The URL the vendor calls (a tunnel or proxy in front of listen); default: "
        "http://<listen>/webhooks.",
    )
    signature: Literal["verify", "none"] = Field(
        default="verify",
        description="none: the vendor sends unsigned deliveries (reported as unsigned).",
    )
    events: list[WebhookEventKind] = Field(
        default_factory=lambda: list[WebhookEventKind](["assigned"]),
        min_length=1,
        examples=[["created", "updated"]],
        description="What the vendor delivers: assigned (a ticket routed to an agent), created "
        "(a new ticket), updated (a follow-up or change). HOOK-001/002 expect one delivery per "
        "ticket: of each assignment when listed, else of each new ticket.",
    )

    @model_validator(mode="after")
    def _preconfigured_needs_address(self) -> Self:
        if self.mode == "preconfigured" and self.listen is None:
            raise ConfigValueError.at(
                ("listen",),
                "a preconfigured webhook needs a fixed receiver: set webhooks.listen "
                "(or --webhook-listen HOST:PORT) to the address the vendor was given",
            )
        return self


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
    rest: RestSpec | None = Field(
        default=None, description="The API description the declarative 'rest' adapter speaks."
    )
    custom_fields: dict[str, str] = Field(
        default_factory=dict,
        examples=[{"order_no": "360001234567"}],
        description="Canonical custom field name -> the vendor's own field id (Zendesk ticket "
        "field ids). Adapters that address custom fields by id send only the mapped ones.",
    )
    queues: dict[str, str] = Field(
        default_factory=dict,
        examples=[{"billing": "360000111", "refunds": "360000222"}],
        description="Ticket category -> the queue (group) it must be routed to, as the vendor "
        "reports it back; ROUTE-001 measures against this map (a contract may override it).",
    )

    @model_validator(mode="after")
    def _rest_only_with_rest_adapter(self) -> Self:
        if self.adapter == "rest" and self.rest is None:
            raise ConfigValueError.at(
                ("adapter",),
                "the rest adapter needs a 'rest:' section describing the API; see "
                "scenarios/vendors/sandbox-rest.yaml for a complete example",
            )
        if self.adapter != "rest" and self.rest is not None:
            raise ConfigValueError.at(
                ("rest",), "only read by 'adapter: rest'; remove it or write 'adapter: rest'"
            )
        if self.rest is not None and "webhook" in self.rest.assignment.observe:
            if not self.webhooks.supported:
                raise ConfigValueError.at(
                    ("rest", "assignment", "observe"),
                    "'webhook' needs 'webhooks: {supported: true}'",
                )
            if "assigned" not in self.webhooks.events:
                raise ConfigValueError.at(
                    ("rest", "assignment", "observe"),
                    "'webhook' needs assignment deliveries: add 'assigned' to webhooks.events, "
                    "or observe by polling",
                )
            # preconfigured: an admin pointed the vendor at the receiver; nothing to register
            if self.webhooks.mode == "register" and self.rest.operations.register_webhook is None:
                raise ConfigValueError.at(
                    ("rest", "assignment", "observe"),
                    "'webhook' needs operations.register_webhook and unregister_webhook, or "
                    "'webhooks: {mode: preconfigured, listen: HOST:PORT}' when an admin "
                    "points the vendor at the receiver",
                )
        return self

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


def vendor_schema_text() -> str:
    """``scenarios/vendors/schema.json``: the JSON Schema of :class:`VendorSpec`, rest included."""
    schema = VendorSpec.model_json_schema(by_alias=True)
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_vendor_schema(path: str | os.PathLike[str] = "scenarios/vendors/schema.json") -> Path:
    """Write :func:`vendor_schema_text` to ``path`` (for editor completion); return the path."""
    target = Path(path)
    target.write_text(vendor_schema_text(), encoding="utf-8")
    return target


def load_vendor(path: str | os.PathLike[str]) -> VendorSpec:
    """Load and validate one vendor file, with the command line's ``--set vendor.*`` overrides
    (:mod:`harness.config.vendor_overrides`) and ``{env:NAME}`` values filled in."""
    from harness.config.vendor_overrides import apply_overrides

    data, lines = load_yaml(path)
    return validate_data(VendorSpec, apply_overrides(data, path), lines, path)
